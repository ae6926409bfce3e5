using System.Globalization;
using BenchmarkDotNet.Attributes;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Benchmarks;

/// <summary>
/// One core: the article's loop (exact counters, one 64-bit remainder per check) against trial division in SIMD lanes
/// and the sieve, on the article's ranges.
/// </summary>
[Config(typeof(KernelConfig))]
public class KernelBenchmarks
{
    [Params("1-100000", "1-200000")]
    public string Range { get; set; } = "1-100000";

    private ulong _from;
    private ulong _til;

    public static (ulong From, ulong Til) Parse(string range)
    {
        var parts = range.Split('-');
        return (ulong.Parse(parts[0], CultureInfo.InvariantCulture), ulong.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    [GlobalSetup]
    public void Setup() => (_from, _til) = Parse(Range);

    [Benchmark(Baseline = true)]
    public object ArticleLoop() => ReferenceCounter.PrimeCounter(_from, _til);

    [Benchmark]
    public object Trial() => TrialDivisionKernel.Instance.Count(_from, _til);

    [Benchmark]
    public object Sieve() => SieveKernel.Instance.Count(_from, _til);
}

/// <summary>The sieve's target: [0, 10^9] on one core.</summary>
[Config(typeof(KernelConfig))]
public class SieveBenchmarks
{
    [Params("0-1000000000")]
    public string Range { get; set; } = "0-1000000000";

    [Benchmark]
    public object Sieve()
    {
        var (from, til) = KernelBenchmarks.Parse(Range);
        return SieveKernel.Instance.Count(from, til);
    }
}
