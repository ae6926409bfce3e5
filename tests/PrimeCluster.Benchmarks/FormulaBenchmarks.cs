using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Benchmarks;

/// <summary>
/// The formula's targets, F(10^k) for k = 12..15, on one core and on every core of the machine, beside Lucy's sieve,
/// the kernel before, up to its old top (10^13). The same alternating in one process: the benchmarks' formula command.
/// </summary>
[Config(typeof(FormulaConfig))]
public class FormulaBenchmarks
{
    [ParamsSource(nameof(Cases))]
    public FormulaCase Case { get; set; } = null!;

    public static IEnumerable<FormulaCase> Cases =>
        from power in new[] { 12, 13, 14, 15 }
        from kernel in power <= 13 ? new[] { "deleglise-rivat", "lucy" } : ["deleglise-rivat"]
        from cores in new[] { 1, Environment.ProcessorCount }.Distinct()
        select new FormulaCase(kernel, power, cores);

    [Benchmark]
    public object F() => Case.Kernel == "lucy"
        ? LucySieve.Count((ulong)Math.Pow(10, Case.Power), Case.Cores, default)
        : new FormulaKernel(Case.Cores).Count(0, (ulong)Math.Pow(10, Case.Power));
}

/// <summary>One row: which kernel, F(10^Power), on how many cores.</summary>
public sealed record FormulaCase(string Kernel, int Power, int Cores)
{
    public override string ToString() => $"{Kernel} 10^{Power} {Cores}c";
}

/// <summary>
/// Seconds per operation at the top: few iterations, and no checks/s column, whose sieve would take days over these
/// ranges.
/// </summary>
public sealed class FormulaConfig : ManualConfig
{
    public FormulaConfig() => AddJob(Job.Default.WithWarmupCount(1).WithIterationCount(5));
}
