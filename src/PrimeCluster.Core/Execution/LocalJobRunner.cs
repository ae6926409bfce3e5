using System.Diagnostics;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Core.Execution;

/// <summary>
/// Runs a job on this machine: one thread per worker, each pulling the next batch from the shared plan as soon as it
/// is free, so uneven batches still keep every core busy.
/// </summary>
public sealed class LocalJobRunner : IJobRunner
{
    public LocalJobRunner(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        Workers = workers;
    }

    public int Workers { get; }

    public async Task<JobOutcome> RunAsync(JobSpec spec, IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        WarmUp.EnsureDone();
        var plan = spec.Plan(Workers);
        var kernel = PrimeKernels.For(spec.Algorithm);
        var gate = new Lock();
        using var batches = plan.GetEnumerator();
        var total = Tally.Zero;
        long done = 0;

        var clock = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, Workers).Select(_ => Task.Factory.StartNew(
            () =>
            {
                while (true)
                {
                    NumberRange range;
                    lock (gate)
                    {
                        if (!batches.MoveNext())
                        {
                            return;
                        }

                        range = batches.Current.Range;
                    }

                    var tally = kernel.Count(range.From, range.Til, cancellationToken);
                    JobProgress report;
                    lock (gate)
                    {
                        total += tally;
                        report = new JobProgress(++done, plan.Count, total);
                    }

                    progress?.Report(report);
                }
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();

        await Task.WhenAll(threads).ConfigureAwait(false);
        return new JobOutcome(spec, total, clock.Elapsed, Workers, plan.Count);
    }
}
