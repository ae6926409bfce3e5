using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// Keeps job checkpoints in Distributed Data, replicated to every seed node, so that the coordinator that takes over
/// when its node is lost resumes the jobs where they were. The jobs are spread over a fixed number of dictionaries,
/// so none grows past what one remote message carries.
/// </summary>
internal sealed class JobJournal(ActorSystem system)
{
    public const int BucketCount = 32;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private readonly IActorRef _replicator = DistributedData.Get(system).Replicator;
    private readonly UniqueAddress _self = Cluster.Get(system).SelfUniqueAddress;

    /// <summary>Writes to a majority of the seeds; the answer, with <paramref name="request"/>, goes to the sender.</summary>
    public void Save(JobCheckpoint checkpoint, IActorRef sender, object? request = null) => _replicator.Tell(
        Dsl.Update(KeyFor(checkpoint.View.Id), LWWDictionary<string, JobCheckpoint>.Empty, new WriteMajority(Timeout), request, jobs => jobs.SetItem(_self, checkpoint.View.Id.Value, checkpoint)),
        sender);

    public void Forget(JobId id, IActorRef sender) => _replicator.Tell(
        Dsl.Update(KeyFor(id), LWWDictionary<string, JobCheckpoint>.Empty, WriteLocal.Instance, jobs => jobs.Remove(_self, id.Value)),
        sender);

    /// <summary>
    /// Reads every job back, from a majority of the seeds (from this one's copy where they do not answer in time), and
    /// tells the caller <see cref="Recovered"/>, once.
    /// </summary>
    public void Recover(IActorContext context) => context.ActorOf(JournalReader.Props(_replicator, Timeout), "journal-reader");

    /// <summary>A Distributed Data key of the journal; <see cref="JournalStore.DurableKeys"/> keeps them on disk.</summary>
    internal static LWWDictionaryKey<string, JobCheckpoint> Key(int bucket) => new($"primecluster-jobs-{bucket}");

    private static LWWDictionaryKey<string, JobCheckpoint> KeyFor(JobId id) => Key(BucketOf(id));

    /// <summary>
    /// Every job's checkpoint the journal held, running or finished, as read back at the coordinator's start; from
    /// the journal's reader to the coordinator, its parent, never between nodes.
    /// </summary>
    public sealed record Recovered(IReadOnlyList<JobCheckpoint> Checkpoints) : INoSerializationVerificationNeeded;

    /// <summary>The same in every process, unlike <see cref="string.GetHashCode()"/>, and in every build.</summary>
    internal static int BucketOf(JobId id) => (int)(Fnv1a.Hash32(id.Value) % BucketCount);
}
