using PrimeCluster.Actors.Coordination;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;

namespace PrimeCluster.Actors.Tests;

public sealed class JobRecoverySpecs
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Recovery_should_keep_finished_jobs_as_history_resume_running_ones_and_fail_one_cut_elsewhere_oldest_first()
    {
        var running = Checkpoint("running", Noon.AddMinutes(2));
        var done = Checkpoint("done", Noon.AddMinutes(1));
        done = done with { View = done.View with { State = JobState.Done } };
        var elsewhere = Checkpoint("elsewhere", Noon);
        elsewhere = elsewhere with { PlanFingerprint = elsewhere.PlanFingerprint ^ 1 };

        var recovered = JobRecovery.Sort([running, done, elsewhere]).ToList();

        Assert.Equal(["elsewhere", "done", "running"], recovered.Select(Id));
        Assert.Contains("splits the range elsewhere", Assert.IsType<JobRecovery.Unresumable>(recovered[0]).Error, StringComparison.Ordinal);
        Assert.Equal(JobState.Done, Assert.IsType<JobRecovery.History>(recovered[1]).View.State);
        var resumable = Assert.IsType<JobRecovery.Resumable>(recovered[2]);
        Assert.Same(running, resumable.Checkpoint);
        Assert.Equal(running.PlanFingerprint, resumable.Plan.Fingerprint);
    }

    private static string Id(JobRecovery.Recovered recovered) => recovered switch
    {
        JobRecovery.History h => h.View.Id.Value,
        JobRecovery.Resumable r => r.Checkpoint.View.Id.Value,
        JobRecovery.Unresumable u => u.View.Id.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(recovered)),
    };

    private static JobCheckpoint Checkpoint(string id, DateTimeOffset submittedAt)
    {
        var spec = new JobSpec(new NumberRange(1, 10_000), Batches: 10);
        return JobCheckpoint.Start(new JobId(id), spec, spec.Plan(1), submittedAt, workers: 1);
    }
}
