using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;

namespace PrimeCluster.Benchmarks;

/// <summary>
/// How soon a worker process counts its first batch, and what nodes hold at rest, this build beside another. A seed of
/// each build (seed role only, so no worker of its own) is up first. Each round, for each build in alternating order: a
/// trial job is submitted and waits for workers; a worker process (one worker actor) is started; the figure is from
/// the clock just before its process starts to the moment the job counts its first batch (the batch's
/// <c>finished_at</c> in the job's event stream: the seed's clock, on this machine), with the worker's CPU time then;
/// then the worker is stopped with SIGTERM (it leaves) and the job cancelled. Every round also times the node's own
/// <c>--version</c> of each build: the runtime's start and the command line, the floor of any node process here. At
/// the end a worker of each build joins, both clusters run one small job, and after a settle time the resident set
/// of every seed and worker is read.
/// </summary>
public static class StartBenchmark
{
    /// <summary>A trial job of equal-cost batches, 6 to 10 ms of one core each: the first one is soon counted.</summary>
    private const string WaitingJob = """{"from": 1, "til": 3000000, "batches": 3000}""";

    private const string RestJob = """{"from": 1, "til": 300000}""";

    public static async Task<int> RunAsync(TextWriter report, Build current, Build baseline, int rounds, TimeSpan settle)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(baseline);
        Build[] builds = [baseline, current];
        var seeds = new List<BenchmarkNode>();
        var workers = new List<BenchmarkNode>();
        try
        {
            foreach (var build in builds)
            {
                seeds.Add(BenchmarkNode.Start("seed", null, build.Environment, build.NodeDll));
            }

            foreach (var seed in seeds)
            {
                await seed.WaitForWorkersAsync(0);
            }

            var firstBatch = builds.Select(_ => new List<double>()).ToArray();
            var cpu = builds.Select(_ => new List<double>()).ToArray();
            var version = builds.Select(_ => new List<double>()).ToArray();
            for (var round = 0; round < rounds; round++)
            {
                // Alternating which build goes first, so that neither always follows the other's departure.
                foreach (var b in round % 2 == 0 ? [0, 1] : new[] { 1, 0 })
                {
                    version[b].Add(await TimeVersionAsync(builds[b]));
                    var (seconds, cpuSeconds) = await FirstBatchAsync(seeds[b], builds[b]);
                    firstBatch[b].Add(seconds);
                    cpu[b].Add(cpuSeconds);
                    report.WriteLine(Inv($"round {round + 1}, {builds[b].Label}: first batch {seconds * 1e3:F0} ms after the process started, {cpuSeconds * 1e3:F0} ms of its CPU; --version {version[b][^1] * 1e3:F0} ms"));
                }
            }

            report.WriteLine(Inv($"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}"));
            report.WriteLine(Inv($"{"",-10} {"first batch, median",20} {"best",8} {"worst",8} {"worker CPU, median",19} {"--version, median",18}"));
            for (var b = 0; b < builds.Length; b++)
            {
                report.WriteLine(Inv($"{builds[b].Label,-10} {Median(firstBatch[b]) * 1e3,17:F0} ms {firstBatch[b].Min() * 1e3,5:F0} ms {firstBatch[b].Max() * 1e3,5:F0} ms {Median(cpu[b]) * 1e3,16:F0} ms {Median(version[b]) * 1e3,15:F0} ms"));
            }

            report.WriteLine(Inv($"this build / baseline, first batch: median {Median(firstBatch[1]) / Median(firstBatch[0]):F2}, worker CPU {Median(cpu[1]) / Median(cpu[0]):F2}"));

            // At rest: each cluster with a worker that has computed a job, left alone for the settle time.
            for (var b = 0; b < builds.Length; b++)
            {
                workers.Add(BenchmarkNode.Start("worker", seeds[b].Seed, builds[b].Environment, builds[b].NodeDll));
            }

            for (var b = 0; b < builds.Length; b++)
            {
                await seeds[b].WaitForWorkersAsync(1);
                await seeds[b].RunJobAsync(RestJob);
            }

            await Task.Delay(settle);
            report.WriteLine(Inv($"resident at rest, {settle.TotalSeconds:F0} s after a job of {RestJob}:"));
            for (var b = 0; b < builds.Length; b++)
            {
                report.WriteLine(Inv($"  {builds[b].Label}: seed {seeds[b].ResidentMegabytes():F0} MB, worker {workers[b].ResidentMegabytes():F0} MB"));
            }

            return 0;
        }
        finally
        {
            foreach (var node in workers.Concat(seeds))
            {
                await node.DisposeAsync();
            }
        }
    }

    /// <summary>Seconds from a worker process's start to its first batch counted, and the worker's CPU seconds then.</summary>
    private static async Task<(double Seconds, double CpuSeconds)> FirstBatchAsync(BenchmarkNode seed, Build build)
    {
        var response = await seed.Http.PostAsync("/jobs", new StringContent(WaitingJob, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        using var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = accepted.RootElement.GetProperty("id").GetString();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var stream = await seed.Http.GetAsync($"/jobs/{id}/events?batches=true", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        await using var worker = BenchmarkNode.Start("worker", seed.Seed, build.Environment, build.NodeDll);
        DateTimeOffset? counted = null;
        await foreach (var item in SseParser.Create(await stream.Content.ReadAsStreamAsync(timeout.Token)).EnumerateAsync(timeout.Token))
        {
            if (item.EventType is "batch" or "batches")
            {
                using var data = JsonDocument.Parse(item.Data);
                counted = (item.EventType == "batch" ? [data.RootElement] : data.RootElement.EnumerateArray().ToArray())
                    .Where(b => b.GetProperty("outcome").GetString() == "counted")
                    .Select(b => (DateTimeOffset?)b.GetProperty("finished_at").GetDateTimeOffset())
                    .Min();
            }

            if (counted is not null)
            {
                break;
            }
        }

        if (counted is null)
        {
            throw new InvalidOperationException($"Job {id} ended without a counted batch.");
        }

        var cpuSeconds = worker.CpuSeconds();
        if (!await worker.StopAsync())
        {
            throw new TimeoutException("A worker told to stop (SIGTERM) was still running after a minute.");
        }

        (await seed.Http.DeleteAsync($"/jobs/{id}")).EnsureSuccessStatusCode();
        await seed.WaitForNoWorkersAsync();
        return ((counted.Value - worker.StartedAt).TotalSeconds, cpuSeconds);
    }

    /// <summary>Seconds from the start of the node's <c>--version</c> to its exit.</summary>
    private static async Task<double> TimeVersionAsync(Build build)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
        start.ArgumentList.Add(build.NodeDll);
        start.ArgumentList.Add("--version");
        foreach (var (name, value) in build.Environment)
        {
            start.Environment[name] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A build of the node to run, and the environment its processes get beyond their roles and ports.</summary>
    public sealed record Build(string Label, string NodeDll, IReadOnlyDictionary<string, string> Environment);
}
