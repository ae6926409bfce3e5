using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// What becomes of each job a coordinator reads back from the journal as it starts, oldest first: a finished one is
/// history; a running one resumes from its checkpoint, its plan cut again as it was; one whose plan cannot be cut
/// again the same way (a seed of another version) fails rather than count some numbers twice.
/// </summary>
internal static class JobRecovery
{
    public static IEnumerable<Recovered> Sort(IEnumerable<JobCheckpoint> checkpoints)
    {
        foreach (var checkpoint in checkpoints.OrderBy(c => c.View.SubmittedAt))
        {
            if (checkpoint.View.State.IsFinished())
            {
                yield return new History(checkpoint.View);
                continue;
            }

            yield return Resume(checkpoint);
        }
    }

    private static Recovered Resume(JobCheckpoint checkpoint)
    {
        try
        {
            return new Resumable(checkpoint, checkpoint.Plan());
        }
        catch (InvalidOperationException e)
        {
            return new Unresumable(checkpoint.View, e.Message);
        }
    }

    public abstract record Recovered;

    /// <summary>A finished job: the job table keeps it as it was.</summary>
    public sealed record History(JobView View) : Recovered;

    /// <summary>A running job, to go on from its checkpoint with its plan.</summary>
    public sealed record Resumable(JobCheckpoint Checkpoint, BatchPlan Plan) : Recovered;

    /// <summary>A running job whose plan cannot be cut again as it was, and why.</summary>
    public sealed record Unresumable(JobView View, string Error) : Recovered;
}
