using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Cluster;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;

namespace PrimeCluster.Actors.Diagnostics;

/// <summary>
/// Every instrument of a node, on one meter, <see cref="MeterName"/>, that the node's host exports. Names and units
/// follow OpenTelemetry's conventions, which a Prometheus exporter turns into Prometheus's: <c>primecluster.checks</c>
/// of unit <c>{check}</c> is scraped as <c>primecluster_checks_total</c>, <c>primecluster.batch.duration</c> of unit
/// <c>s</c> as <c>primecluster_batch_duration_seconds</c>. docs/metrics.md lists them all.
/// </summary>
/// <remarks>
/// Instruments are static, as the meter is: one process is one node, so a scrape target's metrics are its node's.
/// Nodes that share a process (tests, several actor systems) add up. What is counted is counted where it happens: the
/// jobs and batches on the coordinator's node, the checks and batch durations on the node whose worker computed them.
/// </remarks>
public static class ClusterMetrics
{
    public const string MeterName = "PrimeCluster";

    private static readonly Meter Meter = new(MeterName);

    private static readonly KeyValuePair<string, object?>[][] ByAlgorithm =
        [.. Enum.GetValues<Algorithm>().Select(a => new[] { new KeyValuePair<string, object?>("algorithm", Names.Of(a)) })];

    private static readonly Counter<double> Checks = Meter.CreateCounter<double>(
        "primecluster.checks",
        "{check}",
        "Checks of the batches this node's workers computed whose results their job counted (trial division's checks, whichever algorithm counted them)");

    private static readonly Histogram<double> BatchDuration = Meter.CreateHistogram(
        "primecluster.batch.duration",
        "s",
        "How long this node's workers took to compute a batch, from the kernel's start to its result",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static readonly Counter<long> HandedOut = Meter.CreateCounter<long>("primecluster.batches.handed_out", "{batch}", "Batches the coordinator's jobs handed to workers, copies not included");
    private static readonly Counter<long> Copied = Meter.CreateCounter<long>("primecluster.batches.copied", "{batch}", "Backup copies of late batches handed to idle workers at the end of jobs");
    private static readonly Counter<long> Completed = Meter.CreateCounter<long>("primecluster.batches.completed", "{batch}", "Batches whose result counted in their job");
    private static readonly Counter<long> Returned = Meter.CreateCounter<long>("primecluster.batches.returned", "{batch}", "Batches taken back from workers to wait again: handed back by a leaving worker (left), held by a lost one (lost), or by an excluded one (excluded)");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("primecluster.batches.failed", "{batch}", "Batches a worker reported it failed to compute");
    private static readonly Counter<long> Verified = Meter.CreateCounter<long>("primecluster.batches.verified", "{batch}", "Batches whose true tally the coordinator's node computed by the sieve to check the results reported");
    private static readonly Counter<long> Mismatches = Meter.CreateCounter<long>("primecluster.mismatches", "{tally}", "Wrong tallies reported by workers, caught by verification");
    private static readonly Counter<long> JobsFinished = Meter.CreateCounter<long>("primecluster.jobs.finished", "{job}", "Jobs that ended on this node's coordinator, by the state they ended in");

    private static readonly ConcurrentDictionary<ActorSystem, bool> Systems = new();
    private static readonly long[] JobsByState = new long[Enum.GetValues<JobState>().Length];
    private static long _workers;
    private static long _busyWorkers;
    private static long _registeredWorkers;

    static ClusterMetrics()
    {
        Meter.CreateObservableGauge("primecluster.jobs", ObserveJobs, "{job}", "Jobs on this node's coordinator not yet finished, by state: queued (no batch handed out yet) or running");
        Meter.CreateObservableGauge("primecluster.workers", () => Interlocked.Read(ref _workers), "{worker}", "Worker actors on this node");
        Meter.CreateObservableGauge("primecluster.workers.busy", () => Interlocked.Read(ref _busyWorkers), "{worker}", "Worker actors on this node holding at least one batch");
        Meter.CreateObservableGauge("primecluster.workers.registered", () => Interlocked.Read(ref _registeredWorkers), "{worker}", "Workers of the whole cluster registered with this node's coordinator (0 on nodes without it)");
        Meter.CreateObservableGauge("primecluster.members", ObserveMembers, "{member}", "Members of the cluster as this node sees them, by status");
        Meter.CreateObservableGauge("primecluster.members.unreachable", ObserveUnreachable, "{member}", "Members this node's failure detector finds unreachable");
    }

    /// <summary>Reasons a batch is taken back from a worker, the <c>reason</c> tag of <c>primecluster.batches.returned</c>.</summary>
    public static class ReturnReason
    {
        public const string Left = "left";
        public const string Lost = "lost";
        public const string Excluded = "excluded";
    }

    /// <summary>A job of a coordinator on this node appeared (<paramref name="from"/> null), changed state, or went (<paramref name="to"/> null).</summary>
    public static void JobMoved(JobState? from, JobState? to)
    {
        if (from == to)
        {
            return;
        }

        if (from is { } old && !old.IsFinished())
        {
            Interlocked.Decrement(ref JobsByState[(int)old]);
        }

        if (to is { } state)
        {
            if (!state.IsFinished())
            {
                Interlocked.Increment(ref JobsByState[(int)state]);
            }
            else if (from is { } before && !before.IsFinished())
            {
                JobsFinished.Add(1, new KeyValuePair<string, object?>("state", state.Name()));
            }
        }
    }

    public static void BatchesHandedOut(Algorithm algorithm, int count) => HandedOut.Add(count, ByAlgorithm[(int)algorithm]);

    public static void BatchCopied(Algorithm algorithm) => Copied.Add(1, ByAlgorithm[(int)algorithm]);

    public static void BatchCompleted(Algorithm algorithm) => Completed.Add(1, ByAlgorithm[(int)algorithm]);

    /// <param name="reason">One of <see cref="ReturnReason"/>.</param>
    public static void BatchesReturned(Algorithm algorithm, int count, string reason)
    {
        if (count > 0)
        {
            Returned.Add(count, new("algorithm", Names.Of(algorithm)), new("reason", reason));
        }
    }

    public static void BatchFailed(Algorithm algorithm) => Failed.Add(1, ByAlgorithm[(int)algorithm]);

    public static void BatchesVerified(Algorithm algorithm, int count) => Verified.Add(count, ByAlgorithm[(int)algorithm]);

    public static void Mismatch(Algorithm algorithm) => Mismatches.Add(1, ByAlgorithm[(int)algorithm]);

    /// <summary>
    /// Checks of batches computed by a worker on this node and counted by their job. A double: Prometheus keeps every
    /// sample as one, exact up to 2^53, and a single batch near 2^64 holds more checks than a long can.
    /// </summary>
    public static void ChecksCounted(Algorithm algorithm, UInt128 checks) => Checks.Add((double)checks, ByAlgorithm[(int)algorithm]);

    public static void BatchComputed(Algorithm algorithm, TimeSpan took) => BatchDuration.Record(took.TotalSeconds, ByAlgorithm[(int)algorithm]);

    /// <summary>A worker actor on this node started (+1) or stopped (-1).</summary>
    public static void WorkersStarted(int change) => Interlocked.Add(ref _workers, change);

    /// <summary>A worker actor on this node took its first batch (+1) or let go of its last (-1).</summary>
    public static void WorkersBusy(int change) => Interlocked.Add(ref _busyWorkers, change);

    /// <summary>Workers registered with this node's coordinator, or gone from it.</summary>
    public static void WorkersRegistered(int change) => Interlocked.Add(ref _registeredWorkers, change);

    /// <summary>Reports the cluster's members as <paramref name="system"/> sees them, until it terminates.</summary>
    public static void Observe(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        Systems[system] = true;
        system.RegisterOnTermination(() => Systems.TryRemove(system, out _));
    }

    private static IEnumerable<Measurement<long>> ObserveJobs() =>
        [.. Enum.GetValues<JobState>().Where(s => !s.IsFinished()).Select(s => new Measurement<long>(Interlocked.Read(ref JobsByState[(int)s]), new KeyValuePair<string, object?>("state", s.Name())))];

    /// <summary>Every status, those with no member at 0, so that a member's leaving shows as a drop and not a gap.</summary>
    private static IEnumerable<Measurement<long>> ObserveMembers()
    {
        var statuses = Enum.GetValues<MemberStatus>();
        var counts = new long[statuses.Length];
        foreach (var state in States())
        {
            foreach (var member in state.Members)
            {
                counts[Array.IndexOf(statuses, member.Status)]++;
            }
        }

        return [.. statuses.Select((status, i) => new Measurement<long>(counts[i], new KeyValuePair<string, object?>("status", status.ToString().ToLowerInvariant())))];
    }

    private static long ObserveUnreachable() => States().Sum(state => (long)state.Unreachable.Count);

    private static IEnumerable<ClusterEvent.CurrentClusterState> States() =>
        Systems.Keys.Where(system => !system.WhenTerminated.IsCompleted).Select(system => Cluster.Get(system).State);
}
