using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Diagnostics;
using PrimeCluster.Actors.Hosting;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Benchmarks;

/// <summary>
/// Clusters of 10 to 100 members in this process: each member a whole node (<see cref="ClusterNodeHost"/>, as every
/// node starts), an actor system of its own on its own loopback port, talking to the others over real remoting. A seed
/// and workers of one worker actor each, on this build's cluster.hocon. For each size: the time until every member is
/// up, a job of many small batches (the coordinator's hand-out rate) checked exact, then a quarter of the workers leave
/// at once, and a quarter die at once (their actor systems stop without leaving, as a killed process's would), each
/// timed until the seed sees the rest all up and no one else.
/// </summary>
internal static class MembersBenchmark
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(5);
    private static readonly NumberRange JobRange = new(0, 100_000_000);
    private const int JobBatches = 100_000;

    /// <summary>The node's own configuration, but for its log: warnings and above, or a hundred members' joins fill the screen.</summary>
    private static readonly Config Quiet = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        """);

    public static async Task<int> RunAsync(TextWriter report, IReadOnlyList<int> sizes)
    {
        using var heartbeats = new HeartbeatListener();
        var expected = SieveKernel.Instance.Count(JobRange.From, JobRange.Til);
        report.WriteLine(Inv($"machine: {Environment.ProcessorCount} cores; load at start {LoadAverage()}; job: sieve {JobRange} in {JobBatches} batches"));
        report.WriteLine("| members | all started | all up | hand-outs/s | job | a quarter leave: settled | a quarter die: settled | resident per member | heartbeat intervals over 2 s, longest | load |");
        report.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var size in sizes)
        {
            heartbeats.Reset();
            await using var cluster = new MemberSet();
            var clock = Stopwatch.StartNew();
            var seed = await cluster.StartAsync("seed", seeds: null);
            var seeds = Cluster.Get(seed.System).SelfAddress.ToString();
            await Task.WhenAll(Enumerable.Range(0, size - 1).Select(_ => Task.Run(() => cluster.StartAsync("worker", seeds))));
            var started = clock.Elapsed;
            await UntilAsync(() => Settled(seed, size));
            var up = clock.Elapsed;

            var client = new CoordinatorClient(seed.Coordinator, Bound);
            await UntilAsync(async () => (await client.WorkersAsync()).Count == size - 1);
            var job = await client.SubmitAsync(new JobSpec(JobRange, Algorithm.Sieve, SplitStrategy.Balanced, JobBatches));
            var done = await client.AwaitAsync(job.Id) ?? throw new InvalidOperationException($"job {job.Id} is unknown");
            var exact = done.Result == expected;

            var quarter = size / 4;
            var leave = await TimeAsync(seed, size - quarter, () => cluster.Workers.Take(quarter).Select(n => CoordinatedShutdown.Get(n.System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance)));
            await cluster.ForgetAsync(quarter);
            var die = await TimeAsync(seed, size - (2 * quarter), () => cluster.Workers.Take(quarter).Select(n => n.System.Terminate()));
            await cluster.ForgetAsync(quarter);

            report.WriteLine(Inv(
                $"| {size} | {started.TotalSeconds:F1} s | {up.TotalSeconds:F1} s | {done.BatchCount / done.Elapsed.TotalSeconds:F0} | {(exact ? "exact" : $"WRONG: {done.Result} for {expected}")} | {leave.TotalSeconds:F1} s | {die.TotalSeconds:F1} s | {ResidentMegabytes() / size:F0} MB | {heartbeats.Over2s} of {heartbeats.Count}, {heartbeats.Longest:F1} s | {LoadAverage()} |"));
            if (!exact)
            {
                return 1;
            }
        }

        return 0;
    }

    /// <summary>The seed sees exactly <paramref name="members"/> members, all up and reachable.</summary>
    private static bool Settled(ClusterNodeHost seed, int members)
    {
        var state = Cluster.Get(seed.System).State;
        return state.Members.Count == members && state.Members.All(m => m.Status == MemberStatus.Up) && state.Unreachable.IsEmpty;
    }

    /// <summary>How long until the seed sees <paramref name="members"/> members settled, after <paramref name="act"/>'s tasks are started.</summary>
    private static async Task<TimeSpan> TimeAsync(ClusterNodeHost seed, int members, Func<IEnumerable<Task>> act)
    {
        var clock = Stopwatch.StartNew();
        var acts = act().ToList();
        await UntilAsync(() => Settled(seed, members));
        await Task.WhenAll(acts);
        return clock.Elapsed;
    }

    private static Task UntilAsync(Func<bool> condition) => UntilAsync(() => Task.FromResult(condition()));

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Bound)
            {
                throw new TimeoutException($"The cluster did not settle within {Bound.TotalMinutes:0} minutes.");
            }

            await Task.Delay(50);
        }
    }

    private static double ResidentMegabytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The members started, the seed first; disposing stops those still running.</summary>
    private sealed class MemberSet : IAsyncDisposable
    {
        private readonly ConcurrentQueue<ClusterNodeHost> _workers = new();
        private readonly List<ClusterNodeHost> _all = [];

        public IEnumerable<ClusterNodeHost> Workers => _workers;

        public async Task<ClusterNodeHost> StartAsync(string roles, string? seeds)
        {
            var node = ClusterConfig.Build(new NodeSettings
            {
                BindHost = "127.0.0.1",
                PublicHost = "127.0.0.1",
                Port = "0",
                Roles = roles,
                Workers = "1",
                Seeds = seeds ?? string.Empty,
                DataDir = "none",
            }).WithHocon(Quiet);
            var host = await ClusterNodeHost.StartAsync(node);
            lock (_all)
            {
                _all.Add(host);
            }

            if (seeds is not null)
            {
                _workers.Enqueue(host);
            }

            return host;
        }

        /// <summary>The first <paramref name="count"/> workers are gone: stops them for good.</summary>
        public async Task ForgetAsync(int count)
        {
            for (var i = 0; i < count && _workers.TryDequeue(out var gone); i++)
            {
                await gone.DisposeAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Task.WhenAll(_all.Select(host => host.DisposeAsync().AsTask()));
        }
    }

    /// <summary>The heartbeat intervals every member's failure detector records (<see cref="MeasuredFailureDetector"/>), all nodes together.</summary>
    private sealed class HeartbeatListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;
        private long _over2s;
        private double _longest;

        public HeartbeatListener()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ClusterMetrics.MeterName && instrument.Name == "primecluster.heartbeat.interval")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((_, seconds, _, _) =>
            {
                Interlocked.Increment(ref _count);
                if (seconds > 2)
                {
                    Interlocked.Increment(ref _over2s);
                }

                lock (_listener)
                {
                    _longest = Math.Max(_longest, seconds);
                }
            });
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public long Over2s => Interlocked.Read(ref _over2s);

        public double Longest
        {
            get
            {
                lock (_listener)
                {
                    return _longest;
                }
            }
        }

        public void Reset()
        {
            Interlocked.Exchange(ref _count, 0);
            Interlocked.Exchange(ref _over2s, 0);
            lock (_listener)
            {
                _longest = 0;
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
