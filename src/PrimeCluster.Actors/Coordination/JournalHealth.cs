using Akka.Actor;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// Whether this seed's job journal can write now: what its durable store last found. While it cannot, a job accepted
/// here would not survive a restart of every seed, so the node's API refuses new jobs and its health check says so.
/// One per actor system.
/// </summary>
public sealed class JournalHealth : IExtension
{
    private volatile string? _failure;

    /// <summary>Why the journal cannot write now; null while it can, and on a node that keeps no journal on disk.</summary>
    public string? Failure => _failure;

    public static JournalHealth Get(ActorSystem system) => system.WithExtension<JournalHealth, JournalHealthProvider>();

    internal void Failed(string why) => _failure = why;

    internal void Recovered() => _failure = null;
}

public sealed class JournalHealthProvider : ExtensionIdProvider<JournalHealth>
{
    public override JournalHealth CreateExtension(ExtendedActorSystem system) => new();
}
