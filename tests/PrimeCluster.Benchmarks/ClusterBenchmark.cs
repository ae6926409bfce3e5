using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Testing;

namespace PrimeCluster.Benchmarks;

/// <summary>
/// The cluster's own figures, on this machine, in one run: a seed and two worker processes (one worker actor each)
/// against one core running the kernel in this process; a job of 100,000 small batches; and each node's memory at rest.
/// With TLS off and on, two such clusters run at once and take turns, job by job, so that both see the same machine.
/// </summary>
public static class ClusterBenchmark
{
    private const int Repetitions = 7;

    /// <param name="tlsModes">Whether each cluster runs mutual TLS on its cluster transport; one cluster per entry.</param>
    public static async Task<int> RunAsync(TextWriter report, IReadOnlyList<bool> tlsModes)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(tlsModes);
        var single = SingleCoreTrialRate();
        report.WriteLine(Inv($"one core, trial [1, 300000], in process: best {single.Best / 1e9:F2} G checks/s, median {single.Median / 1e9:F2} G checks/s"));

        using var certificates = tlsModes.Contains(true) ? TestCertificates.Create() : null;
        var clusters = new List<Cluster>();
        try
        {
            foreach (var tls in tlsModes)
            {
                clusters.Add(await Cluster.StartAsync(tls ? certificates!.Environment(certificates.Node) : [], tls ? "TLS on: " : tlsModes.Count > 1 ? "TLS off: " : string.Empty));
            }

            await Task.Delay(TimeSpan.FromSeconds(5));
            foreach (var cluster in clusters)
            {
                report.WriteLine(Inv($"{cluster.Label}memory at rest: {cluster.Memory()} (resident set)"));
            }

            foreach (var til in new[] { 300_000, 1_000_000 })
            {
                // Jobs alternate with the same range counted by two threads in this process, the most two cores give
                // here (this machine's two cores do not always run at full speed together), and between the clusters.
                // The first job warms up the nodes.
                var body = $$"""{"from": 1, "til": {{til}}}""";
                foreach (var cluster in clusters)
                {
                    await cluster.Seed.RunJobAsync(body);
                }

                var rates = clusters.ToDictionary(c => c, _ => new List<double>());
                var twoThreads = new List<double>();
                for (var i = 0; i < Repetitions; i++)
                {
                    foreach (var cluster in clusters)
                    {
                        var job = await cluster.Seed.RunJobAsync(body);
                        rates[cluster].Add(job.Checks / job.ElapsedSeconds);
                    }

                    twoThreads.Add(TwoThreadTrialRate((ulong)til));
                }

                var (bestPair, medianPair) = Summary(twoThreads);
                foreach (var cluster in clusters)
                {
                    var (best, median) = Summary(rates[cluster]);
                    report.WriteLine(Inv($"{cluster.Label}seed + 2 worker processes, trial [1, {til}]: best {best / 1e9:F2} G checks/s, median {median / 1e9:F2}; that is {best / (2 * single.Best):P0} (best) and {median / (2 * single.Median):P0} (median) of 2x one core, and {best / bestPair:P0} (best) and {median / medianPair:P0} (median) of two threads in one process ({bestPair / 1e9:F2} and {medianPair / 1e9:F2} G checks/s)"));
                }
            }

            var batchRates = clusters.ToDictionary(c => c, _ => new List<double>());
            for (var i = 0; i < 3; i++)
            {
                foreach (var cluster in clusters)
                {
                    var job = await cluster.Seed.RunJobAsync("""{"from": 0, "til": 100000000, "algorithm": "sieve", "batches": 100000}""");
                    batchRates[cluster].Add(job.Batches / job.ElapsedSeconds);
                }
            }

            foreach (var cluster in clusters)
            {
                report.WriteLine(Inv($"{cluster.Label}sieve [0, 10^8] in 100000 batches across processes: {string.Join(", ", batchRates[cluster].Select(r => $"{r:F0}"))} batches/s"));
                report.WriteLine(Inv($"{cluster.Label}memory after the jobs: {cluster.Memory()}"));
            }

            return 0;
        }
        finally
        {
            foreach (var cluster in clusters)
            {
                await cluster.DisposeAsync();
            }
        }
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

    private sealed record JobFigures(double Checks, long Batches, double ElapsedSeconds);

    /// <summary>A seed and two worker processes with one worker actor each.</summary>
    private sealed class Cluster(Node seed, Node first, Node second, string label) : IAsyncDisposable
    {
        public Node Seed { get; } = seed;

        /// <summary>What the cluster's lines start with, when there are several.</summary>
        public string Label { get; } = label;

        public static async Task<Cluster> StartAsync(IReadOnlyDictionary<string, string> tls, string label)
        {
            var seed = Node.Start("seed", null, tls);
            var cluster = new Cluster(seed, Node.Start("worker", seed.Seed, tls), Node.Start("worker", seed.Seed, tls), label);
            await seed.WaitForWorkersAsync(2);
            return cluster;
        }

        public string Memory() => Inv($"seed {Seed.ResidentMegabytes():F0} MB, workers {first.ResidentMegabytes():F0} MB and {second.ResidentMegabytes():F0} MB");

        public async ValueTask DisposeAsync()
        {
            foreach (var node in new[] { second, first, Seed })
            {
                await node.DisposeAsync();
            }
        }
    }

    private sealed class Node : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly HttpClient _http;

        private Node(Process process, string seed, Uri api)
        {
            _process = process;
            Seed = seed;
            _http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromMinutes(2) };
        }

        public string Seed { get; }

        public static Node Start(string roles, string? seed, IReadOnlyDictionary<string, string> environment)
        {
            var port = FreePort();
            var api = new Uri($"http://127.0.0.1:{FreePort()}");
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "primecluster-node.dll"));
            start.Environment["CLUSTER_ROLES"] = roles;
            start.Environment["CLUSTER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
            start.Environment["API_URL"] = api.ToString().TrimEnd('/');
            start.Environment["WORKERS"] = "1";
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            if (seed is not null)
            {
                start.Environment["CLUSTER_SEEDS"] = seed;
            }

            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new Node(process, seed ?? $"akka.tcp://primecluster@127.0.0.1:{port}", api);
        }

        public async Task WaitForWorkersAsync(int count)
        {
            for (var attempt = 0; attempt < 600; attempt++)
            {
                try
                {
                    using var cluster = JsonDocument.Parse(await _http.GetStringAsync("/cluster"));
                    if (cluster.RootElement.GetProperty("totals").GetProperty("workers").GetInt32() >= count)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }

                await Task.Delay(100);
            }

            throw new TimeoutException("The workers did not register within a minute.");
        }

        public async Task<JobFigures> RunJobAsync(string body)
        {
            var response = await _http.PostAsync("/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
            using var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var id = accepted.RootElement.GetProperty("id").GetString();
            for (var attempt = 0; attempt < 1_200; attempt++)
            {
                using var job = JsonDocument.Parse(await _http.GetStringAsync($"/jobs/{id}"));
                var root = job.RootElement;
                if (root.GetProperty("state").GetString() == "done")
                {
                    return new JobFigures(
                        double.Parse(root.GetProperty("check_count").GetRawText(), CultureInfo.InvariantCulture),
                        root.GetProperty("batches").GetInt64(),
                        root.GetProperty("elapsed_ms").GetDouble() / 1000);
                }

                // Seldom, to leave the cores to the nodes: the elapsed time is measured by the job itself.
                await Task.Delay(100);
            }

            throw new TimeoutException($"Job {id} did not finish within two minutes.");
        }

        public double ResidentMegabytes()
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
