using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Cluster;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Actors.Diagnostics;

/// <summary>
/// Every instrument of a node, on one meter, <see cref="MeterName"/>, that the node's host exports. Names and units
/// follow OpenTelemetry's conventions, which a Prometheus exporter turns into Prometheus's: <c>primecluster.checks</c>
/// of unit <c>{check}</c> is scraped as <c>primecluster_checks_total</c>, <c>primecluster.batch.duration</c> of unit
/// <c>s</c> as <c>primecluster_batch_duration_seconds</c>. docs/metrics.md lists them all.
/// </summary>
/// <remarks>
/// What is counted is counted where it happens: jobs and batches on the coordinator's node, checks and batch durations
/// on the node whose worker computed them. Jobs, batches and workers are counted here, for the life of the process
/// (one process is one node; nodes that share a process add up), and observed at each scrape: every series exists
/// from the start, at 0, so that a rate over the first job is right, and an exporter started after the actors misses
/// nothing. Checks and durations are measured as they happen: a listener sees each job's checks on their own, exact,
/// where a process's running sum of them soon passes 2^53 and a double no longer tells one job's share exactly.
/// </remarks>
public static class ClusterMetrics
{
    public const string MeterName = "PrimeCluster";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Algorithm[] Algorithms = Enum.GetValues<Algorithm>();
    private static readonly BatchReturn[] Returns = Enum.GetValues<BatchReturn>();
    private static readonly JobState[] States = Enum.GetValues<JobState>();

    /// <summary>A double: Prometheus keeps every sample as one, and a single batch near 2^64 holds more checks than a long can.</summary>
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

    private static readonly Histogram<double> HeartbeatInterval = Meter.CreateHistogram(
        "primecluster.heartbeat.interval",
        "s",
        "Time between two heartbeats from one member, as this node's failure detector took them in: the heartbeat interval (1 s) when neither side is starved",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1.1, 1.25, 1.5, 2, 3, 4, 6, 8, 12, 20] });

    private static readonly long[] HandedOut = new long[Algorithms.Length];
    private static readonly long[] Copied = new long[Algorithms.Length];
    private static readonly long[] Completed = new long[Algorithms.Length];
    private static readonly long[] Failed = new long[Algorithms.Length];
    private static readonly long[] Verified = new long[Algorithms.Length];
    private static readonly long[] Mismatches = new long[Algorithms.Length];
    private static readonly long[] Returned = new long[Algorithms.Length * Returns.Length];

    /// <summary>By state: the jobs not finished now (a gauge), and those that finished, ever (a counter).</summary>
    private static readonly long[] Jobs = new long[States.Length];

    /// <summary>The work each unfinished job of this node's coordinators has left: what an autoscaler scales workers by.</summary>
    private static readonly ConcurrentDictionary<JobId, JobWork> Work = new();

    private static readonly ConcurrentDictionary<ActorSystem, bool> Systems = new();
    private static long _workers;
    private static long _busyWorkers;
    private static long _registeredWorkers;

    static ClusterMetrics()
    {
        Counter("primecluster.batches.handed_out", HandedOut, "Batches the coordinator's jobs handed to workers, second opinions and batches handed out again included, copies not");
        Counter("primecluster.batches.copied", Copied, "Backup copies of late batches handed to idle workers at the end of jobs");
        Counter("primecluster.batches.completed", Completed, "Batches whose result counted in their job");
        Counter("primecluster.batches.failed", Failed, "Batches a worker reported it failed to compute");
        Counter("primecluster.batches.verified", Verified, "Batches whose true tally the coordinator's node computed by the sieve to check the results reported");
        Counter("primecluster.mismatches", Mismatches, "Wrong tallies reported by workers, caught by verification", "{tally}");
        Meter.CreateObservableCounter(
            "primecluster.batches.returned",
            () => Algorithms.SelectMany(a => Returns.Select(r => new Measurement<long>(
                Interlocked.Read(ref Returned[((int)a * Returns.Length) + (int)r]),
                AlgorithmTag(a),
                new("reason", r.ToString().ToLowerInvariant())))),
            "{batch}",
            "Batches taken back from workers to wait again: handed back by a leaving worker (left), held by a lost one (lost), or by one excluded for a wrong tally (excluded)");
        Meter.CreateObservableCounter(
            "primecluster.jobs.finished",
            () => States.Where(s => s.IsTerminal()).Select(s => new Measurement<long>(Interlocked.Read(ref Jobs[(int)s]), new KeyValuePair<string, object?>("state", s.Name()))),
            "{job}",
            "Jobs that ended on this node's coordinator, by the state they ended in");
        Meter.CreateObservableGauge(
            "primecluster.jobs",
            () => States.Where(s => !s.IsTerminal()).Select(s => new Measurement<long>(Interlocked.Read(ref Jobs[(int)s]), new KeyValuePair<string, object?>("state", s.Name()))),
            "{job}",
            "Jobs on this node's coordinator not yet finished, by state: queued (no batch handed out yet) or running");
        Meter.CreateObservableGauge(
            "primecluster.batches.remaining",
            () => Work.Values.Sum(w => w.Batches),
            "{batch}",
            "Batches of the unfinished jobs on this node's coordinator not yet counted: waiting for a worker or being computed");
        Meter.CreateObservableGauge(
            "primecluster.work.remaining",
            () => Work.Values.Sum(w => w.Seconds),
            "s",
            "Estimated worker-seconds (one core each) the unfinished jobs on this node's coordinator have left, by the cost model's one-core pace");
        Meter.CreateObservableGauge("primecluster.workers", () => Interlocked.Read(ref _workers), "{worker}", "Worker actors on this node");
        Meter.CreateObservableGauge("primecluster.workers.busy", () => Interlocked.Read(ref _busyWorkers), "{worker}", "Worker actors on this node holding at least one batch");
        Meter.CreateObservableGauge("primecluster.workers.registered", () => Interlocked.Read(ref _registeredWorkers), "{worker}", "Workers of the whole cluster registered with this node's coordinator (0 on nodes without it)");
        Meter.CreateObservableGauge("primecluster.members", ObserveMembers, "{member}", "Members of the cluster as this node sees them, by status");
        Meter.CreateObservableGauge("primecluster.members.unreachable", () => ClusterStates().Sum(state => (long)state.Unreachable.Count), "{member}", "Members this node's failure detector finds unreachable");
    }

    /// <summary>A heartbeat from a member arrived <paramref name="interval"/> after the one before it (<see cref="MeasuredFailureDetector"/>).</summary>
    public static void HeartbeatArrived(TimeSpan interval) => HeartbeatInterval.Record(interval.TotalSeconds);

    /// <summary>
    /// A job of a coordinator on this node appeared (<paramref name="from"/> null), moved, or went (<paramref name="to"/>
    /// null): its state, and the work it has left, a share of its whole one-core cost by its progress.
    /// </summary>
    public static void JobChanged(JobView? from, JobView? to)
    {
        JobMoved(from?.State, to?.State);
        if (to is null || to.State.IsTerminal())
        {
            if ((from ?? to) is { } gone)
            {
                Work.TryRemove(gone.Id, out _);
            }

            return;
        }

        // The whole job's cost is estimated once: a progress report comes every 150 ms.
        var whole = Work.TryGetValue(to.Id, out var known) ? known.WholeSeconds : CostModel.EstimateSeconds(to.Spec.Range, to.Spec.Algorithm);
        Work[to.Id] = new JobWork(whole, Math.Max(0, to.BatchCount - to.BatchesDone), whole * (1 - to.Fraction));
    }

    private static void JobMoved(JobState? from, JobState? to)
    {
        if (from == to)
        {
            return;
        }

        if (from is { } old && !old.IsTerminal())
        {
            Interlocked.Decrement(ref Jobs[(int)old]);
        }

        // A finished job counts once, when it finishes; not again when it goes, nor when a coordinator takes it over.
        if (to is { } state && (!state.IsTerminal() || (from is { } before && !before.IsTerminal())))
        {
            Interlocked.Increment(ref Jobs[(int)state]);
        }
    }

    public static void BatchesHandedOut(Algorithm algorithm, int count) => Interlocked.Add(ref HandedOut[(int)algorithm], count);

    public static void BatchCopied(Algorithm algorithm) => Interlocked.Increment(ref Copied[(int)algorithm]);

    public static void BatchCompleted(Algorithm algorithm) => Interlocked.Increment(ref Completed[(int)algorithm]);

    public static void BatchesReturned(Algorithm algorithm, int count, BatchReturn why) =>
        Interlocked.Add(ref Returned[((int)algorithm * Returns.Length) + (int)why], count);

    public static void BatchFailed(Algorithm algorithm) => Interlocked.Increment(ref Failed[(int)algorithm]);

    public static void BatchesVerified(Algorithm algorithm, int count) => Interlocked.Add(ref Verified[(int)algorithm], count);

    public static void Mismatch(Algorithm algorithm) => Interlocked.Increment(ref Mismatches[(int)algorithm]);

    /// <summary>Checks of batches computed by a worker on this node and counted by their job.</summary>
    public static void ChecksCounted(Algorithm algorithm, UInt128 checks) => Checks.Add((double)checks, AlgorithmTag(algorithm));

    public static void BatchComputed(Algorithm algorithm, TimeSpan took) => BatchDuration.Record(took.TotalSeconds, AlgorithmTag(algorithm));

    /// <summary>A worker actor on this node started (+1) or stopped (-1).</summary>
    public static void WorkersStarted(int change)
    {
        Interlocked.Add(ref _workers, change);

        // A node with workers shows its checks from the start, at 0, so that a rate over its first batches is right.
        if (change > 0)
        {
            foreach (var algorithm in Algorithms)
            {
                Checks.Add(0, AlgorithmTag(algorithm));
            }
        }
    }

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

    /// <summary>A job's whole one-core cost by the cost model, and its batches and seconds left.</summary>
    private sealed record JobWork(double WholeSeconds, long Batches, double Seconds);

    private static void Counter(string name, long[] counts, string description, string unit = "{batch}") =>
        Meter.CreateObservableCounter(name, () => ByAlgorithm(a => Interlocked.Read(ref counts[(int)a])), unit, description);

    private static IEnumerable<Measurement<long>> ByAlgorithm(Func<Algorithm, long> count) =>
        Algorithms.Select(a => new Measurement<long>(count(a), AlgorithmTag(a)));

    private static KeyValuePair<string, object?> AlgorithmTag(Algorithm algorithm) => new("algorithm", Names.Of(algorithm));

    /// <summary>Every status, those with no member at 0, so that a member's leaving shows as a drop and not a gap.</summary>
    private static IEnumerable<Measurement<long>> ObserveMembers()
    {
        var statuses = Enum.GetValues<MemberStatus>();
        var counts = new long[statuses.Length];
        foreach (var state in ClusterStates())
        {
            foreach (var member in state.Members)
            {
                counts[Array.IndexOf(statuses, member.Status)]++;
            }
        }

        return statuses.Select((status, i) => new Measurement<long>(counts[i], new KeyValuePair<string, object?>("status", status.ToString().ToLowerInvariant())));
    }

    private static IEnumerable<ClusterEvent.CurrentClusterState> ClusterStates() =>
        Systems.Keys.Where(system => !system.WhenTerminated.IsCompleted).Select(system => Cluster.Get(system).State);
}
