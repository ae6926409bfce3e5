using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Benchmarks;

/// <summary>The article's figure of merit: checks per second, from the exact check count of the benchmark's range.</summary>
public sealed class ChecksPerSecondColumn()
    : CustomColumn("Checks/s", "Checks of the article's trial division per second (derived for the sieve)", UnitType.Dimensionless)
{
    public override string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        var range = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Range")?.Value as string;
        if (report?.ResultStatistics is null || range is null)
        {
            return "-";
        }

        var (from, til) = KernelBenchmarks.Parse(range);
        var checks = (double)SieveKernel.Instance.Count(from, til).CheckCount;
        var perSecond = checks / (report.ResultStatistics.Mean / 1e9);
        return perSecond >= 1e9 ? $"{perSecond / 1e9:0.00} G" : $"{perSecond / 1e6:0} M";
    }
}
