using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;

namespace PrimeCluster.Benchmarks;

/// <summary>
/// How soon a change in a job reaches a subscriber of its event stream: a seed (one worker actor) and a worker process
/// run sieve jobs of 2,000 batches on [0, 10^10] while the benchmark reads <c>/jobs/{id}/events?batches=true</c>.
/// Each batch counted is a change, at the moment its batch event says it ended (the job's own clock, on this machine);
/// its latency is until the first progress event that counts it arrives. Sampled second opinions are off, so that a
/// batch counts the moment its result arrives.
/// </summary>
public static class EventLatencyBenchmark
{
    private const int Jobs = 3;

    public static async Task<int> RunAsync(TextWriter report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var config = Path.Combine(Path.GetTempPath(), $"primecluster-events-{Guid.NewGuid():N}.hocon");
        await File.WriteAllTextAsync(config, "primecluster.verify.sieve-share = 0");
        try
        {
            await using var seed = BenchmarkNode.Start("seed,worker", null, new Dictionary<string, string> { ["CLUSTER_CONFIG"] = config });
            await using var worker = BenchmarkNode.Start("worker", seed.Seed);
            await seed.WaitForWorkersAsync(2);
            var all = new List<double>();
            for (var job = 0; job < Jobs; job++)
            {
                var latencies = await MeasureAsync(seed.Http);
                all.AddRange(latencies);
                report.WriteLine(Describe($"job {job + 1}", latencies));
            }

            report.WriteLine(Describe("all jobs", all));
            return 0;
        }
        finally
        {
            File.Delete(config);
        }
    }

    /// <summary>Each counted batch's latency, in milliseconds.</summary>
    private static async Task<List<double>> MeasureAsync(HttpClient http)
    {
        var response = await http.PostAsync("/jobs", new StringContent("""{"from": 0, "til": 10000000000, "algorithm": "sieve", "batches": 2000}""", Encoding.UTF8, "application/json"));
        using var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = accepted.RootElement.GetProperty("id").GetString();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var stream = await http.GetAsync($"/jobs/{id}/events?batches=true", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var counted = new Dictionary<long, DateTimeOffset>();
        var progress = new List<(DateTimeOffset Received, long Done)>();
        await foreach (var item in SseParser.Create(await stream.Content.ReadAsStreamAsync(timeout.Token)).EnumerateAsync(timeout.Token))
        {
            var received = DateTimeOffset.UtcNow;
            using var data = item.Data.Length > 0 ? JsonDocument.Parse(item.Data) : null;
            switch (item.EventType)
            {
                case "batches":
                    foreach (var record in data!.RootElement.EnumerateArray())
                    {
                        NoteCounted(record, counted);
                    }

                    break;
                case "batch":
                    NoteCounted(data!.RootElement, counted);
                    break;
                case "progress" or "result":
                    progress.Add((received, data!.RootElement.GetProperty("progress").GetProperty("batches_done").GetInt64()));
                    break;
            }

            if (item.EventType == "result")
            {
                break;
            }
        }

        // The k-th batch counted reaches the subscriber with the first progress event that counts k batches.
        var changes = counted.Values.Order().ToList();
        var latencies = new List<double>();
        var next = 0;
        for (var k = 1; k <= changes.Count; k++)
        {
            while (next < progress.Count && progress[next].Done < k)
            {
                next++;
            }

            if (next < progress.Count)
            {
                latencies.Add((progress[next].Received - changes[k - 1]).TotalMilliseconds);
            }
        }

        return latencies;
    }

    private static void NoteCounted(JsonElement record, Dictionary<long, DateTimeOffset> counted)
    {
        if (record.GetProperty("outcome").GetString() is "counted" or "late_copy" && record.GetProperty("finished_at").ValueKind == JsonValueKind.String)
        {
            counted.TryAdd(record.GetProperty("index").GetInt64(), record.GetProperty("finished_at").GetDateTimeOffset());
        }
    }

    private static string Describe(string what, List<double> latencies)
    {
        var sorted = latencies.Order().ToList();
        double At(double q) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(q * sorted.Count))];
        return string.Create(CultureInfo.InvariantCulture, $"{what}: {sorted.Count} changes; latency median {At(0.5):F0} ms, p95 {At(0.95):F0} ms, p99 {At(0.99):F0} ms, max {(sorted.Count == 0 ? double.NaN : sorted[^1]):F0} ms");
    }
}
