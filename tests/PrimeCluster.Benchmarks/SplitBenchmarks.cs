using BenchmarkDotNet.Attributes;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;

namespace PrimeCluster.Benchmarks;

/// <summary>
/// All cores of this machine through the planner: the article's starmap split against balanced batches,
/// on one worker and on two.
/// </summary>
[Config(typeof(KernelConfig))]
public class SplitBenchmarks
{
    [Params("1-200000", "1-300000")]
    public string Range { get; set; } = "1-200000";

    [Params(1, 2)]
    public int Workers { get; set; }

    [Params(SplitStrategy.Starmap, SplitStrategy.Balanced)]
    public SplitStrategy Split { get; set; }

    [GlobalSetup]
    public void Setup() => WarmUp.EnsureDone();

    [Benchmark]
    public Task<JobOutcome> Run()
    {
        var (from, til) = KernelBenchmarks.Parse(Range);
        return new LocalJobRunner(Workers).RunAsync(new JobSpec(new NumberRange(from, til), Algorithm.Trial, Split));
    }
}
