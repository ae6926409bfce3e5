using System.Net;
using PrimeCluster.Cli.Client;
using PrimeCluster.Cli.Output;
using PrimeCluster.Contracts;
using PrimeCluster.Core;

namespace PrimeCluster.Cli.Commands;

/// <summary>Follows a job on a cluster to its end, and reports how it ended.</summary>
internal static class JobFollower
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Follows the job to its end, with progress on stderr unless <paramref name="json"/> goes to a program, and reports
    /// how it ended: the exit code. Ctrl+C leaves the job running and says how to cancel it; losing the seed says how to
    /// follow the job again. <paramref name="next"/> words those commands for the same cluster.
    /// </summary>
    public static async Task<int> FollowAndReportAsync(ClusterClient client, JobResource job, bool json, NextCommands next, CliContext context, CancellationToken cancellationToken)
    {
        using var view = job.State.IsTerminal() ? null : ProgressView.For(context, json);
        try
        {
            var finished = await FollowAsync(client, job, view, cancellationToken).ConfigureAwait(false);
            view?.Clear();
            return Report(finished, json, context);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return StoppedFollowing(job.Id, view, next, context);
        }
        catch (Exception e) when (e is ClusterUnreachableException or NotASeedException)
        {
            view?.End();
            var lost = e is ClusterUnreachableException unreachable
                ? $"lost the connection to the seed at {client.Url} while following job {job.Id} ({unreachable.Reason})"
                : $"the seed at {client.Url} stopped answering like a PrimeCluster seed while following job {job.Id} ({((NotASeedException)e).Reason})";
            await context.Error.WriteLineAsync(
                $"primecluster: {lost}. The job runs on if its cluster does: follow it again with: {next.Watch(job.Id)}, or with another seed's URL as --cluster.").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        finally
        {
            // Whatever else stops the following, its message starts on a line of its own.
            view?.End();
        }
    }

    /// <summary>The job once finished: from the job's event stream, or by polling if the stream breaks.</summary>
    public static async Task<JobResource> FollowAsync(ClusterClient client, JobResource job, ProgressView? view, CancellationToken cancellationToken)
    {
        view?.Show(job);
        if (job.State.IsTerminal())
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

        while (!job.State.IsTerminal())
        {
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            job = await client.GetJobAsync(job.Id, cancellationToken).ConfigureAwait(false)
                ?? throw new ClusterRefusedException(client.Url, HttpStatusCode.NotFound, new ErrorResource($"it no longer knows job {job.Id}; did its coordinator restart?"));
            view?.Show(job);
        }

        return job;
    }

    /// <summary>Prints a finished job: the result table (or JSON) on stdout, and how it ended on stderr; the exit code.</summary>
    private static int Report(JobResource job, bool json, CliContext context)
    {
        if (json)
        {
            context.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(job, ApiJson.Types.JobResource));
        }

        switch (job.State)
        {
            case JobState.Done:
                if (!json)
                {
                    ResultReport.Of(job).WriteTable(context.Out);
                }

                return ExitCodes.Done;
            case JobState.Cancelled:
                context.Error.WriteLine($"primecluster: job {job.Id} was cancelled.");
                return ExitCodes.Failed;
            default:
                context.Error.WriteLine($"primecluster: job {job.Id} {job.State.Name()}: {job.Error ?? "no reason given"}");
                return ExitCodes.Failed;
        }
    }

    /// <summary>Ctrl+C while following: the job goes on, and the user learns how to stop it.</summary>
    public static int StoppedFollowing(string id, ProgressView? view, NextCommands next, CliContext context)
    {
        view?.Clear();
        context.Error.WriteLine($"primecluster: stopped following job {id}; it keeps running. Cancel it with: {next.Cancel(id)}");
        return ExitCodes.Interrupted;
    }
}
