using System.Globalization;

namespace PrimeCluster.Benchmarks;

/// <summary>
/// What a node costs at rest, this build beside another (<c>--baseline</c>), side by side over the same minutes: a
/// one-node cluster of each (seed and worker roles, one worker actor) with nothing to do; then this build's node again
/// with a dashboard's stream open (<c>GET /events</c>) and its <c>/metrics</c> scraped every 15 s, as Prometheus would.
/// CPU time is read from /proc over each spell.
/// </summary>
public static class RestCostBenchmark
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Spell = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(TextWriter report, string baselineDll)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!File.Exists(baselineDll))
        {
            await Console.Error.WriteLineAsync($"no such file: {baselineDll}");
            return 2;
        }

        await using var baseline = BenchmarkNode.Start("seed,worker", null, nodeDll: baselineDll);
        await using var current = BenchmarkNode.Start("seed,worker", null);
        await using var watched = BenchmarkNode.Start("seed,worker", null);
        await Task.WhenAll(baseline.WaitForWorkersAsync(1), current.WaitForWorkersAsync(1), watched.WaitForWorkersAsync(1));
        await Task.Delay(Settle);

        using var stop = new CancellationTokenSource();
        var watching = WatchAsync(watched, stop.Token);
        var before = (baseline.CpuSeconds(), current.CpuSeconds(), watched.CpuSeconds());
        await Task.Delay(Spell);
        var after = (baseline.CpuSeconds(), current.CpuSeconds(), watched.CpuSeconds());
        await stop.CancelAsync();
        var scrapes = await watching;

        double Share(double from, double to) => (to - from) / Spell.TotalSeconds;
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"at rest over {Spell.TotalSeconds:0} s, one node each (seed and worker, one worker actor):"));
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  baseline build {baselineDll}: {Share(before.Item1, after.Item1):P2} of a core"));
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  this build: {Share(before.Item2, after.Item2):P2} of a core"));
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  this build, /events open and /metrics scraped every 15 s ({scrapes} scrapes answered): {Share(before.Item3, after.Item3):P2} of a core"));
        return 0;
    }

    /// <summary>Keeps the cluster stream open and scrapes /metrics every 15 s until cancelled; the scrapes answered.</summary>
    private static async Task<int> WatchAsync(BenchmarkNode node, CancellationToken ct)
    {
        var scrapes = 0;
        try
        {
            using var stream = await node.Http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead, ct);
            var reading = stream.Content.CopyToAsync(Stream.Null, ct);
            while (!ct.IsCancellationRequested)
            {
                if ((await node.Http.GetAsync("/metrics", ct)).IsSuccessStatusCode)
                {
                    scrapes++;
                }

                await Task.Delay(TimeSpan.FromSeconds(15), ct);
            }

            await reading;
        }
        catch (OperationCanceledException)
        {
        }

        return scrapes;
    }
}
