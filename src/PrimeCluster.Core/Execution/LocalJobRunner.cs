using System.Diagnostics;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Core.Execution;

/// <summary>
/// Runs a job on this machine: one thread per worker, each pulling the next batch from the shared plan as soon as it
/// is free, so uneven batches still keep every core busy. A formula job with two ends computes them at once, F(til)
/// and F(from - 1) on two workers, and subtracts.
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
        var plan = spec.Plan(Workers, new PlanOptions { SplitFormulaEnds = true });
        var kernel = PrimeKernels.For(spec.Algorithm);
        var gate = new Lock();
        using var batches = plan.GetEnumerator();
        var total = default(TallyBalance);
        long done = 0;

        var clock = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, Workers).Select(_ => Task.Factory.StartNew(
            () =>
            {
                while (true)
                {
                    Batch batch;
                    lock (gate)
                    {
                        if (!batches.MoveNext())
                        {
                            return;
                        }

                        batch = batches.Current;
                    }

                    var tally = kernel.Count(batch.Range.From, batch.Range.Til, cancellationToken);
                    JobProgress report;
                    lock (gate)
                    {
                        total = total.Add(batch, tally);

                        // The formula's ends mean nothing of the range apart: the tally shows once both are in.
                        var soFar = plan.HasSubtractedBatches && done + 1 < plan.Count ? Tally.Zero : total.Net;
                        report = new JobProgress(++done, plan.Count, soFar);
                    }

                    progress?.Report(report);
                }
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();

        await Task.WhenAll(threads).ConfigureAwait(false);
        return new JobOutcome(spec, total.Net, clock.Elapsed, Workers, plan.Count);
    }
}
