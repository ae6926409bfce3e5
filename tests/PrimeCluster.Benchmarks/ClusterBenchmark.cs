using System.Diagnostics;
using System.Globalization;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Benchmarks;

/// <summary>
/// The cluster's own figures, on this machine, in one run: a seed and two worker processes (one worker actor each)
/// against one core running the kernel in this process; a job of 100,000 small batches; and each node's memory at rest.
/// </summary>
public static class ClusterBenchmark
{
    private const int Repetitions = 7;

    public static async Task<int> RunAsync(TextWriter report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var single = SingleCoreTrialRate();
        report.WriteLine(Inv($"one core, trial [1, 300000], in process: best {single.Best / 1e9:F2} G checks/s, median {single.Median / 1e9:F2} G checks/s"));

        await using var seed = BenchmarkNode.Start("seed", null);
        await using var first = BenchmarkNode.Start("worker", seed.Seed);
        await using var second = BenchmarkNode.Start("worker", seed.Seed);
        await seed.WaitForWorkersAsync(2);
        await Task.Delay(TimeSpan.FromSeconds(5));
        report.WriteLine(Inv($"memory at rest: seed {seed.ResidentMegabytes():F0} MB, workers {first.ResidentMegabytes():F0} MB and {second.ResidentMegabytes():F0} MB (resident set)"));

        foreach (var til in new[] { 300_000, 1_000_000 })
        {
            // Jobs alternate with the same range counted by two threads in this process, the most two cores give here
            // (this machine's two cores do not always run at full speed together). The first job warms up the nodes.
            await seed.RunJobAsync($$"""{"from": 1, "til": {{til}}}""");
            var cluster = new List<double>();
            var twoThreads = new List<double>();
            for (var i = 0; i < Repetitions; i++)
            {
                var job = await seed.RunJobAsync($$"""{"from": 1, "til": {{til}}}""");
                cluster.Add(job.Checks / job.ElapsedSeconds);
                twoThreads.Add(TwoThreadTrialRate((ulong)til));
            }

            var (best, median) = Summary(cluster);
            var (bestPair, medianPair) = Summary(twoThreads);
            report.WriteLine(Inv($"seed + 2 worker processes, trial [1, {til}]: best {best / 1e9:F2} G checks/s, median {median / 1e9:F2}; that is {best / (2 * single.Best):P0} (best) and {median / (2 * single.Median):P0} (median) of 2x one core, and {best / bestPair:P0} (best) and {median / medianPair:P0} (median) of two threads in one process ({bestPair / 1e9:F2} and {medianPair / 1e9:F2} G checks/s)"));
        }

        var batchRates = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var job = await seed.RunJobAsync("""{"from": 0, "til": 100000000, "algorithm": "sieve", "batches": 100000}""");
            batchRates.Add(job.Batches / job.ElapsedSeconds);
        }

        report.WriteLine(Inv($"sieve [0, 10^8] in 100000 batches across processes: {string.Join(", ", batchRates.Select(r => $"{r:F0}"))} batches/s"));
        report.WriteLine(Inv($"memory after the jobs: seed {seed.ResidentMegabytes():F0} MB, workers {first.ResidentMegabytes():F0} MB and {second.ResidentMegabytes():F0} MB"));
        return 0;
    }

    private static (double Best, double Median) Summary(List<double> rates)
    {
        rates.Sort();
        return (rates[^1], rates[rates.Count / 2]);
    }

    /// <summary>Two threads each counting the whole range at once: checks per second of both together.</summary>
    private static double TwoThreadTrialRate(ulong til)
    {
        var clock = Stopwatch.StartNew();
        var tallies = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() => TrialDivisionKernel.Instance.Count(1, til), TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(tallies);
        var elapsed = clock.Elapsed.TotalSeconds;
        return 2 * (double)tallies[0].Result.CheckCount / elapsed;
    }

    private static (double Best, double Median) SingleCoreTrialRate()
    {
        var checks = (double)TrialDivisionKernel.Instance.Count(1, 300_000).CheckCount;
        var rates = Enumerable.Range(0, Repetitions).Select(_ =>
        {
            var clock = Stopwatch.StartNew();
            TrialDivisionKernel.Instance.Count(1, 300_000);
            return checks / clock.Elapsed.TotalSeconds;
        }).Order().ToList();
        return (rates[^1], rates[rates.Count / 2]);
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
