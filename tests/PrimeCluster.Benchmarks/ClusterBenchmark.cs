using System.Diagnostics;
using System.Globalization;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Testing;

namespace PrimeCluster.Benchmarks;

/// <summary>
/// The cluster's own figures, on this machine, in one run: a seed and two worker processes (one worker actor each)
/// against one core running the kernel in this process; a job of 100,000 small batches; and each node's memory at rest.
/// With TLS off and on, the job journal in memory and on disk, or this build and another, two such clusters run at
/// once and take turns, job by job, so that both see the same machine.
/// </summary>
public static class ClusterBenchmark
{
    private const int Repetitions = 7;

    /// <summary>The clusters of a run, TLS off and on as asked, of this build.</summary>
    public static IReadOnlyList<ClusterSetup> WithTls(IReadOnlyList<bool> tlsModes) =>
        [.. tlsModes.Select(tls => new ClusterSetup(tls, null, tls ? "TLS on: " : tlsModes.Count > 1 ? "TLS off: " : string.Empty))];

    /// <summary>Two clusters of this build: the seed's job journal in memory only (DATA_DIR=none), and on disk.</summary>
    public static IReadOnlyList<ClusterSetup> WithJournal() =>
        [new(false, null, "journal in memory: ", Journal: false), new(false, null, "journal on disk: ")];

    /// <summary>Two clusters: one of another build's node, one of this build's.</summary>
    public static IReadOnlyList<ClusterSetup> AgainstBaseline(string baselineDll) =>
        [new(false, baselineDll, "baseline: "), new(false, null, "this build: ")];

    public static async Task<int> RunAsync(TextWriter report, IReadOnlyList<ClusterSetup> setups)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(setups);
        var tlsModes = setups.Select(s => s.Tls).ToList();
        var single = SingleCoreTrialRate();
        report.WriteLine(Inv($"one core, trial [1, 300000], in process: best {single.Best / 1e9:F2} G checks/s, median {single.Median / 1e9:F2} G checks/s"));

        using var certificates = tlsModes.Contains(true) ? TestCertificates.Create() : null;
        var clusters = new List<Cluster>();
        try
        {
            foreach (var setup in setups)
            {
                var environment = new Dictionary<string, string>(setup.Tls ? certificates!.Environment(certificates.Node) : []);
                clusters.Add(await Cluster.StartAsync(environment, setup.Journal ? null : "none", setup.NodeDll, setup.Label));
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
                    await cluster.RunJobAsync(body);
                }

                var rates = clusters.ToDictionary(c => c, _ => new List<double>());
                var twoThreads = new List<double>();
                for (var i = 0; i < Repetitions; i++)
                {
                    foreach (var cluster in clusters)
                    {
                        var job = await cluster.RunJobAsync(body);
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
                    var job = await cluster.RunJobAsync("""{"from": 0, "til": 100000000, "algorithm": "sieve", "batches": 100000}""");
                    batchRates[cluster].Add(job.Batches / job.ElapsedSeconds);
                }
            }

            foreach (var cluster in clusters)
            {
                report.WriteLine(Inv($"{cluster.Label}sieve [0, 10^8] in 100000 batches across processes: {string.Join(", ", batchRates[cluster].Select(r => $"{r:F0}"))} batches/s"));
                report.WriteLine(Inv($"{cluster.Label}memory after the jobs: {cluster.Memory()}"));
                report.WriteLine(Inv($"{cluster.Label}journal on the seed's disk after {cluster.Jobs} jobs: {cluster.Seed.JournalBytes() / 1024.0:F0} KiB"));
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

    /// <summary>A seed and two worker processes with one worker actor each.</summary>
    private sealed class Cluster(BenchmarkNode seed, BenchmarkNode first, BenchmarkNode second, string label) : IAsyncDisposable
    {
        public BenchmarkNode Seed { get; } = seed;

        /// <summary>What the cluster's lines start with, when there are several.</summary>
        public string Label { get; } = label;

        /// <summary>The jobs it has run.</summary>
        public int Jobs { get; private set; }

        /// <param name="dataDir">The seed's DATA_DIR; a directory of its own unless given (none: the journal in memory only).</param>
        public static async Task<Cluster> StartAsync(IReadOnlyDictionary<string, string> tls, string? dataDir, string? nodeDll, string label)
        {
            var seed = BenchmarkNode.Start("seed", null, dataDir is null ? tls : new Dictionary<string, string>(tls) { ["DATA_DIR"] = dataDir }, nodeDll);
            var cluster = new Cluster(seed, BenchmarkNode.Start("worker", seed.Seed, tls, nodeDll), BenchmarkNode.Start("worker", seed.Seed, tls, nodeDll), label);
            await seed.WaitForWorkersAsync(2);
            return cluster;
        }

        public Task<JobFigures> RunJobAsync(string body)
        {
            Jobs++;
            return Seed.RunJobAsync(body);
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
}

/// <summary>
/// One cluster of a run: whether it runs mutual TLS, the node build it runs (this one's when null), its label, and
/// whether its seed keeps the job journal on disk.
/// </summary>
public sealed record ClusterSetup(bool Tls, string? NodeDll, string Label, bool Journal = true);
