using PrimeCluster.Actors.Messages;
using PrimeCluster.Core.Execution;

namespace PrimeCluster.Actors.Client;

/// <summary>Runs a job on a cluster through its coordinator: submits it, reports progress, and waits for the result.</summary>
public sealed class ClusterJobRunner(CoordinatorClient client, int workers) : IJobRunner
{
    private static readonly TimeSpan ProgressPoll = TimeSpan.FromMilliseconds(200);

    public int Workers { get; } = workers;

    public async Task<JobOutcome> RunAsync(JobSpec spec, IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var id = await client.SubmitAsync(spec, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            var finished = client.AwaitAsync(id, cancellationToken);
            while (progress is not null && !finished.IsCompleted)
            {
                await Task.WhenAny(finished, Task.Delay(ProgressPoll, cancellationToken)).ConfigureAwait(false);
                if (!finished.IsCompleted && await client.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } view)
                {
                    progress.Report(new JobProgress(view.BatchesDone, view.BatchCount, view.SoFar));
                }
            }

            var result = await finished.ConfigureAwait(false) ?? throw new InvalidOperationException($"The coordinator lost job {id}.");
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
