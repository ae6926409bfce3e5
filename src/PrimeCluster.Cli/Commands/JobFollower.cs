using System.Net;
using PrimeCluster.Cli.Client;
using PrimeCluster.Cli.Output;
using PrimeCluster.Contracts;

namespace PrimeCluster.Cli.Commands;

/// <summary>Follows a job on a cluster to its end, and reports how it ended.</summary>
internal static class JobFollower
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the coordinator may stay out of reach, as when its node is lost and another seed takes over.</summary>
    private static readonly TimeSpan CoordinatorMoveLimit = TimeSpan.FromSeconds(60);

    /// <summary>The job once finished: from the job's event stream, or by polling if the stream breaks.</summary>
    public static async Task<JobResource> FollowAsync(ClusterClient client, JobResource job, ProgressView? view, CancellationToken cancellationToken)
    {
        view?.Show(job);
        if (job.IsFinished)
        {
            return job;
        }

        try
        {
            await foreach (var update in client.FollowAsync(job.Id, cancellationToken).ConfigureAwait(false))
            {
                job = update;
                view?.Show(job);
            }
        }
        catch (ClusterRefusedException)
        {
            // No event stream from this seed: polling below.
        }

        var unavailableSince = (DateTimeOffset?)null;
        while (!job.IsFinished)
        {
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            try
            {
                job = await client.GetJobAsync(job.Id, cancellationToken).ConfigureAwait(false)
                    ?? throw new ClusterUnreachableException(client.Url, $"it no longer knows job {job.Id}; did its coordinator restart?", null);
                unavailableSince = null;
            }
            catch (ClusterRefusedException e) when (e.Status == HttpStatusCode.ServiceUnavailable
                && DateTimeOffset.UtcNow - (unavailableSince ??= DateTimeOffset.UtcNow) < CoordinatorMoveLimit)
            {
                // The coordinator is moving to another seed, which resumes the job from its checkpoint.
                continue;
            }

            view?.Show(job);
        }

        return job;
    }

    /// <summary>Prints a finished job: the result table (or JSON) on stdout, and how it ended on stderr; the exit code.</summary>
    public static int Report(JobResource job, bool json, CliContext context)
    {
        if (json)
        {
            context.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(job, ApiJson.Options));
        }

        switch (job.State)
        {
            case JobStates.Done:
                if (!json)
                {
                    ResultReport.Of(job).WriteTable(context.Out);
                }

                return ExitCodes.Done;
            case JobStates.Cancelled:
                context.Error.WriteLine($"primecluster: job {job.Id} was cancelled.");
                return ExitCodes.Failed;
            default:
                context.Error.WriteLine($"primecluster: job {job.Id} {job.State}: {job.Error ?? "no reason given"}");
                return ExitCodes.Failed;
        }
    }

    /// <summary>Ctrl+C while following: the job goes on, and the user learns how to stop it.</summary>
    public static int StoppedFollowing(string id, ProgressView? view, CliContext context)
    {
        view?.Clear();
        context.Error.WriteLine($"primecluster: stopped following job {id}; it keeps running. Cancel it with: primecluster cancel {id}");
        return ExitCodes.Interrupted;
    }
}
