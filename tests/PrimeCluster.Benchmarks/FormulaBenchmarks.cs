using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Benchmarks;

/// <summary>The formula's targets: [0, 10^k] for k = 9..13, on one core and on every core of the machine.</summary>
[Config(typeof(FormulaConfig))]
public class FormulaBenchmarks
{
    [Params(9, 10, 11, 12, 13)]
    public int Power { get; set; }

    [ParamsSource(nameof(CoreCounts))]
    public int Cores { get; set; }

    private FormulaKernel _kernel = FormulaKernel.Instance;
    private ulong _til;

    public static IEnumerable<int> CoreCounts => new[] { 1, Environment.ProcessorCount }.Distinct();

    [GlobalSetup]
    public void Setup()
    {
        _kernel = new FormulaKernel(Cores);
        _til = (ulong)Math.Pow(10, Power);
    }

    [Benchmark]
    public object Formula() => _kernel.Count(0, _til);
}

/// <summary>
/// Seconds per operation at the top: few iterations, and no checks/s column, whose sieve would take hours over these
/// ranges.
/// </summary>
public sealed class FormulaConfig : ManualConfig
{
    public FormulaConfig() => AddJob(Job.Default.WithWarmupCount(1).WithIterationCount(5));
}
