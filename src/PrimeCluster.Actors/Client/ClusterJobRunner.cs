using Akka.Actor;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;

namespace PrimeCluster.Actors.Client;

/// <summary>
/// Runs a job on a cluster through its coordinator: submits it, passes on its progress as the coordinator pushes it,
/// and waits for the result.
/// </summary>
/// <param name="actors">Where the subscriber to the job's progress runs.</param>
public sealed class ClusterJobRunner(CoordinatorClient client, IActorRefFactory actors, int workers) : IJobRunner
{
    public int Workers { get; } = workers;

    public Task<JobOutcome> RunAsync(JobSpec spec, IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default) =>
        progress is null
            ? RunToEndAsync(spec, client.AwaitAsync, cancellationToken)
            : RunWatchingAsync(spec, view => progress.Report(new JobProgress(view.BatchesDone, view.BatchCount, view.SoFar)), cancellationToken);

    /// <summary>Runs the job, handing <paramref name="onView"/> its view whenever it moves, the finished one last.</summary>
    public Task<JobOutcome> RunWatchingAsync(JobSpec spec, Action<JobView> onView, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onView);
        return RunToEndAsync(spec, FollowToEnd, cancellationToken);

        async Task<JobView?> FollowToEnd(JobId id, CancellationToken ct)
        {
            await foreach (var e in client.FollowAsync(id, actors, cancellationToken: ct).ConfigureAwait(false))
            {
                switch (e)
                {
                    case JobEvent.Moved moved:
                        onView(moved.View);
                        break;
                    case JobEvent.Ended ended:
                        onView(ended.View);
                        return ended.View;
                    case JobEvent.Lost:
                        return null;
                }
            }

            return null;
        }
    }

    /// <param name="finish">The job's finished view, once it has one; null when the coordinator does not know the job.</param>
    private async Task<JobOutcome> RunToEndAsync(JobSpec spec, Func<JobId, CancellationToken, Task<JobView?>> finish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var id = (await client.SubmitAsync(spec, cancellationToken: cancellationToken).ConfigureAwait(false)).Id;
        try
        {
            var result = await finish(id, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException($"The coordinator lost job {id}.");
            return result.State switch
            {
                JobState.Done => new JobOutcome(spec, result.SoFar, result.Elapsed, result.Workers, result.BatchCount),
                JobState.Cancelled => throw new OperationCanceledException($"Job {id} was cancelled."),
                _ => throw new JobFailedException(id, result.Error ?? "no reason given"),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await client.CancelAsync(id, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }
}

public sealed class JobFailedException(JobId id, string error) : Exception($"Job {id} failed: {error}")
{
    public JobId Id { get; } = id;
}
