using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Core.Tests.Execution;

public sealed class LocalJobRunnerSpecs
{
    [Theory]
    [InlineData(1, Algorithm.Trial, SplitStrategy.Balanced)]
    [InlineData(2, Algorithm.Trial, SplitStrategy.Starmap)]
    [InlineData(3, Algorithm.Sieve, SplitStrategy.Balanced)]
    public async Task RunAsync_should_aggregate_every_batch_exactly(int workers, Algorithm algorithm, SplitStrategy split)
    {
        var spec = new JobSpec(new NumberRange(1, 100_000), algorithm, split, Batches: 37);
        var reports = new List<JobProgress>();

        var outcome = await new LocalJobRunner(workers).RunAsync(spec, new SynchronousProgress(reports));

        Assert.Equal(new Tally(9592, 455_189_150), outcome.Tally);
        Assert.Equal(37, outcome.BatchCount);
        Assert.Equal(37, reports.Count);
        Assert.Equal(outcome.Tally, reports.MaxBy(r => r.BatchesDone)!.SoFar);
    }

    [Fact]
    public async Task RunAsync_should_count_a_formula_job_from_its_two_ends_on_two_workers()
    {
        var spec = new JobSpec(new NumberRange(100_000_000_007, 300_000_000_000), Algorithm.Formula);
        var reports = new List<JobProgress>();

        var outcome = await new LocalJobRunner(2).RunAsync(spec, new SynchronousProgress(reports));

        // F(til) - F(from - 1) by Lucy's sieve, the formula's kernel before.
        Assert.Equal(LucySieve.Count(300_000_000_000, 2, default) - LucySieve.Count(100_000_000_006, 2, default), outcome.Tally);
        Assert.Equal(2, outcome.BatchCount);
        Assert.Equal([Tally.Zero, outcome.Tally], reports.OrderBy(r => r.BatchesDone).Select(r => r.SoFar));
    }

    [Fact]
    public async Task RunAsync_should_stop_when_cancelled()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var spec = new JobSpec(new NumberRange(0, 50_000_000));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new LocalJobRunner(2).RunAsync(spec, null, cancellation.Token));
    }

    private sealed class SynchronousProgress(List<JobProgress> reports) : IProgress<JobProgress>
    {
        public void Report(JobProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
