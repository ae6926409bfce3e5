using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PrimeCluster.Testing;

namespace PrimeCluster.Benchmarks;

/// <summary>
/// How soon a lone seed's workers are back once it stops and is started again at once: a seed and two worker processes
/// (one worker actor each) on loopback; the seed is sent SIGTERM (what Ctrl+C and docker stop send) or SIGKILL, taking
/// turns, and started again on its ports and data directory the moment it has exited. Each run gives, from the signal:
/// the seed's exit, its /healthz answering 200 again, and both workers registered with it.
/// </summary>
public static class SeedRestartBenchmark
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(TextWriter report, int runs)
    {
        ArgumentNullException.ThrowIfNull(report);
        var back = new Dictionary<string, List<double>> { ["SIGTERM"] = [], ["SIGKILL"] = [] };
        report.WriteLine("seconds from the signal to: the seed's exit, its /healthz 200, both workers registered; then the 1-minute load");
        report.WriteLine("signal   exited  seed up  workers back   load");
        for (var run = 0; run < runs; run++)
        {
            foreach (var signal in back.Keys)
            {
                var (exited, up, workers) = await MeasureAsync(graceful: signal == "SIGTERM");
                back[signal].Add(workers);
                report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{signal}  {exited,6:0.0}  {up,7:0.0}  {workers,12:0.0}  {File.ReadAllText("/proc/loadavg").Split(' ')[0],5}"));
            }
        }

        foreach (var (signal, seconds) in back)
        {
            var sorted = seconds.Order().ToList();
            report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{signal}: workers back in {sorted[0]:0.0} to {sorted[^1]:0.0} s, median {Median(sorted):0.0} s ({sorted.Count} runs)"));
        }

        return 0;
    }

    private static async Task<(double Exited, double Up, double Back)> MeasureAsync(bool graceful)
    {
        var seed = NodeProcess.Start(new Dictionary<string, string> { ["CLUSTER_ROLES"] = "seed" });
        List<NodeProcess> nodes = [seed];
        try
        {
            for (var i = 0; i < 2; i++)
            {
                nodes.Add(NodeProcess.Start(new Dictionary<string, string> { ["CLUSTER_ROLES"] = "worker", ["WORKERS"] = "1", ["CLUSTER_SEEDS"] = seed.Address }));
            }

            await UntilAsync(async () => await WorkersAsync(seed) == 2);
            var clock = Stopwatch.StartNew();
            if (graceful)
            {
                seed.Terminate();
            }
            else
            {
                seed.KillHard();
            }

            if (!await seed.WaitForExitAsync(Bound))
            {
                throw new TimeoutException("The seed did not exit.");
            }

            var exited = clock.Elapsed.TotalSeconds;
            var restarted = NodeProcess.Start(new Dictionary<string, string> { ["CLUSTER_ROLES"] = "seed" }, restartOf: seed);
            nodes.Add(restarted);
            await UntilAsync(async () => (await restarted.Http.GetAsync("/healthz")).IsSuccessStatusCode);
            var up = clock.Elapsed.TotalSeconds;
            await UntilAsync(async () => await WorkersAsync(restarted) == 2);
            return (exited, up, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }
        }
    }

    private static async Task<int> WorkersAsync(NodeProcess seed)
    {
        using var cluster = JsonDocument.Parse(await seed.Http.GetStringAsync("/cluster"));
        return cluster.RootElement.GetProperty("totals").GetProperty("workers").GetInt32();
    }

    /// <summary>Polls every 100 ms, at most for <see cref="Bound"/>; a node not answering yet counts as not yet.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Bound)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Gave up after {Bound.TotalMinutes:0} minutes.");
    }

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
