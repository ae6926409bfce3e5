using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using PrimeCluster.Actors.Configuration;
using static Akka.Cluster.ClusterEvent;

namespace PrimeCluster.Actors.Hosting;

/// <summary>
/// On a node without the seed role: once the last seed has left the cluster, the node leaves it too, to join the seeds
/// again as they come back. A seed stopped gracefully (SIGTERM, Ctrl+C, an upgrade) leaves rather than being lost, so
/// the split brain resolver, which downs workers cut off from every seed, has nothing to act on: without this the
/// workers would stay a cluster of their own, with no coordinator, for good. Akka lets a node join another cluster only
/// as a new incarnation, so the node stops its actor system with <see cref="SeedsLeft"/>, and its host starts a new one
/// that joins the seeds, as it does for a node the cluster downed.
/// </summary>
public sealed class SeedWatch : ReceiveActor
{
    private readonly Cluster _cluster = Cluster.Get(Context.System);

    /// <summary>The seeds in this node's view of the cluster, until each is removed.</summary>
    private readonly HashSet<UniqueAddress> _seeds = [];

    public SeedWatch()
    {
        Receive<IMemberEvent>(e =>
        {
            if (!e.Member.HasRole(ClusterConfig.SeedRole))
            {
                return;
            }

            if (e is not MemberRemoved)
            {
                _seeds.Add(e.Member.UniqueAddress);
                return;
            }

            if (_seeds.Remove(e.Member.UniqueAddress) && _seeds.Count == 0 && _cluster.SelfMember.Status is MemberStatus.Up or MemberStatus.WeaklyUp)
            {
                Context.GetLogger().Info("The last seed, {0}, has left the cluster: leaving it too, to join the seeds again as they come back", e.Member.Address);
                CoordinatedShutdown.Get(Context.System).Run(SeedsLeft.Instance);
            }
        });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new SeedWatch());

    protected override void PreStart() =>
        _cluster.Subscribe(Self, SubscriptionInitialStateMode.InitialStateAsEvents, typeof(IMemberEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);
}

/// <summary>Why a node without the seed role stopped its actor system: every seed left the cluster, and it is to join them again.</summary>
public sealed class SeedsLeft : CoordinatedShutdown.Reason
{
    public static readonly SeedsLeft Instance = new();

    private SeedsLeft()
    {
    }

    /// <summary>Only seen if the process ends on the way back: it stopped as told, not of a failure.</summary>
    public override int ExitCode => 0;
}
