using Akka.Actor;
using Akka.Cluster;
using PrimeCluster.Core;

namespace PrimeCluster.Actors.Messages;

/// <summary>What the coordinator pushes to those who watch the cluster live (the dashboard's streams).</summary>
public static class MonitoringProtocol
{
    /// <summary>
    /// Sends <paramref name="Subscriber"/> at once the newest jobs (<see cref="JobProtocol.JobList"/>), the workers by
    /// node (<see cref="Activity"/>) and the throughput of the last 15 minutes (<see cref="ThroughputHistory"/>); then
    /// every job's view whenever it moves, <see cref="Activity"/> whenever workers come, go or start or stop holding
    /// batches, and a <see cref="ThroughputSample"/> each second while any node computes. Asked again by a subscriber
    /// it already has, it answers <see cref="StillSubscribed"/>: a coordinator that started on another seed knows no
    /// subscribers and sends the whole picture again.
    /// </summary>
    public sealed record SubscribeToCluster(IActorRef Subscriber) : IClientRequest
    {
        /// <summary>The newest jobs a subscriber gets at once.</summary>
        public const int NewestJobs = 200;
    }

    public sealed class StillSubscribed : IClusterMessage
    {
        public static readonly StillSubscribed Instance = new();

        private StillSubscribed()
        {
        }
    }

    /// <summary>A node's registered workers, how many hold batches, its wrong tallies, and its workers a running job has excluded.</summary>
    public sealed record NodeActivity(Address Node, int Workers, int Busy, int Mismatches, int Excluded);

    /// <summary>The workers by node.</summary>
    public sealed record Activity(IReadOnlyList<NodeActivity> Nodes) : IClusterMessage;

    /// <summary>
    /// Local, from a subscriber to its reader: this node's view of the cluster's members changed, and what it is now,
    /// as the cluster's event publisher has it once the change is published.
    /// </summary>
    public sealed record MembersChanged(ClusterEvent.CurrentClusterState State);

    public sealed record NodeThroughput(Address Node, double ChecksPerSecond);

    /// <summary>
    /// What a node did a second in one algorithm's own terms: checks for trial, which performs them, and numbers counted
    /// for the sieve and the formula, which derive their checks (a formula job's run to 10^13 carries some 10^24).
    /// </summary>
    public sealed record AlgorithmThroughput(Address Node, Algorithm Algorithm, double PerSecond);

    /// <summary>
    /// The checks each node's results carried over the second before <paramref name="At"/>, per second, and what each
    /// node did a second by algorithm, in that algorithm's terms (<see cref="AlgorithmThroughput"/>).
    /// </summary>
    public sealed record ThroughputSample(DateTimeOffset At, IReadOnlyList<NodeThroughput> Nodes, IReadOnlyList<AlgorithmThroughput> Algorithms) : IClusterMessage;

    /// <summary>Samples, oldest first.</summary>
    public sealed record ThroughputHistory(IReadOnlyList<ThroughputSample> Samples) : IClusterMessage
    {
        /// <summary>How far back the history goes.</summary>
        public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    }

    /// <summary>What became of a batch handed to a worker.</summary>
    public enum BatchOutcome : byte
    {
        /// <summary>Handed out; no result yet.</summary>
        Running,

        /// <summary>Its result counts (or waits for its check).</summary>
        Counted,

        /// <summary>A copy of a batch late at another worker, raced to finish it sooner.</summary>
        LateCopy,

        /// <summary>Another worker's copy counted first: this one was dropped or ignored.</summary>
        LostRace,

        /// <summary>Back in the queue: its worker was lost, left or was excluded.</summary>
        HandedBack,

        /// <summary>The worker reported it failed.</summary>
        Failed,

        /// <summary>The worker reported a wrong tally.</summary>
        Wrong,
    }

    /// <summary>One hand-out of a batch: to which worker, when, and how it ended.</summary>
    public sealed record BatchRecord(long Index, NumberRange Range, string Worker, Address Node, DateTimeOffset HandedOutAt, DateTimeOffset? FinishedAt, BatchOutcome Outcome);

    /// <summary>
    /// A job's batch hand-outs, oldest first: with <paramref name="Snapshot"/>, every one the job still keeps (the most
    /// recent <see cref="MaxBatches"/>); otherwise those that changed since the last.
    /// </summary>
    public sealed record BatchTimeline(JobId Id, IReadOnlyList<BatchRecord> Batches, bool Snapshot) : IClusterMessage
    {
        /// <summary>The hand-outs a job keeps for its timeline, its newest: no timeline holds more.</summary>
        public const int MaxBatches = 5000;
    }
}
