using Akka.Actor;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// The job actor's protocol with the coordinator, its parent, and with the cluster monitor it tells of its activity:
/// always on the same node, never serialized.
/// </summary>
internal static class JobControl
{
    /// <summary>
    /// A worker's request, passed to the job whose turn it is. A backup offer goes to a job with no batch waiting,
    /// when no job has one: the job may give the worker a copy of a batch another worker is still on.
    /// </summary>
    public sealed record OfferWork(IActorRef Worker, int Slots, bool Backup = false) : INoSerializationVerificationNeeded;

    /// <summary>
    /// The job had nothing for the worker; the coordinator tries the next job, or after a backup offer, none.
    /// <paramref name="Waiting"/>: whether the job still has batches waiting for other workers (one it has excluded
    /// gets none of them).
    /// </summary>
    public sealed record NoWorkLeft(JobId JobId, IActorRef Worker, int Slots, bool Backup = false, bool Waiting = false) : INoSerializationVerificationNeeded;

    public sealed record HasWork(JobId JobId, bool Waiting) : INoSerializationVerificationNeeded;

    /// <summary>
    /// Whether the job is the only running one with batches waiting: while it is, every request would be passed to it,
    /// and it serves a request that comes with results itself, one hop to the coordinator and one back fewer.
    /// </summary>
    public sealed record Alone(bool IsAlone) : INoSerializationVerificationNeeded;

    public sealed record WorkerLost(IActorRef Worker) : INoSerializationVerificationNeeded;

    public sealed class Cancel : INoSerializationVerificationNeeded
    {
        public static readonly Cancel Instance = new();

        private Cancel()
        {
        }
    }

    /// <summary>
    /// How many of the cluster's workers may take the job's batches: registered, and not excluded from it.
    /// <paramref name="Caught"/>: how many registered workers it excluded for a wrong tally of their own.
    /// </summary>
    public sealed record AvailableWorkers(int Count, int Caught) : INoSerializationVerificationNeeded;

    /// <summary>The job moved: its view, for its subscribers and the dashboard.</summary>
    public sealed record Progress(JobView View) : INoSerializationVerificationNeeded;

    /// <summary>The job moved: a checkpoint the coordinator writes to the seeds, where another seed can resume from it.</summary>
    public sealed record Updated(JobCheckpoint Checkpoint) : INoSerializationVerificationNeeded;

    /// <summary>
    /// The job is over; its actor answers offers with nothing left until the coordinator stops it.
    /// <paramref name="Timeline"/>: its last batch hand-outs, for those who look at the job later.
    /// </summary>
    public sealed record Finished(JobView View, MonitoringProtocol.BatchTimeline? Timeline = null) : INoSerializationVerificationNeeded;

    /// <summary>Sends the subscriber the job's batch hand-outs now, and those that change at every progress tick.</summary>
    public sealed record WatchBatches(IActorRef Subscriber) : INoSerializationVerificationNeeded;

    /// <summary>
    /// What the job's workers did since the job last said: the checks and the numbers each node's results carried, and
    /// the batches each worker holds now.
    /// </summary>
    public sealed record Activity(JobId JobId, Algorithm Algorithm, IReadOnlyDictionary<Address, Computed> Computed, IReadOnlyDictionary<IActorRef, int> Held) : INoSerializationVerificationNeeded;

    /// <summary>The checks and the numbers a node's results carried, counted or pending a check: its throughput.</summary>
    public readonly record struct Computed(UInt128 Checks, UInt128 Numbers)
    {
        public static Computed operator +(Computed a, Computed b) => new(a.Checks + b.Checks, a.Numbers + b.Numbers);
    }

    public sealed class GetHeld : INoSerializationVerificationNeeded
    {
        public static readonly GetHeld Instance = new();

        private GetHeld()
        {
        }
    }

    /// <summary>How many of the job's batches each worker holds, and the workers the job has excluded.</summary>
    public sealed record Held(IReadOnlyDictionary<IActorRef, int> ByWorker, IReadOnlyCollection<IActorRef> Excluded) : INoSerializationVerificationNeeded
    {
        public static readonly Held None = new(new Dictionary<IActorRef, int>(), []);
    }

    /// <summary>A worker reported a wrong tally: the job discarded it and excluded the worker.</summary>
    public sealed record Mismatch(JobId JobId, IActorRef Worker, long Index, Tally Claimed, Tally Truth) : INoSerializationVerificationNeeded;

    /// <summary>A worker caught with a wrong tally in another job, or on a node caught with one: exclude it from this job too.</summary>
    public sealed record Exclude(IActorRef Worker) : INoSerializationVerificationNeeded;

    /// <summary>A worker excluded only for another worker of its node is taken back, for the reason <paramref name="Why"/>.</summary>
    public sealed record Readmit(IActorRef Worker, string Why) : INoSerializationVerificationNeeded;
}
