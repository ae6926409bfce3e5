using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using PrimeCluster.Actors.Messages;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Actors.Client;

/// <summary>
/// Subscribes to the cluster's live picture at the coordinator and writes what it pushes to a channel, with
/// <see cref="MembersChanged"/> whenever this node sees a member come, go or change reachability; stopping it ends the
/// subscription. It asks again every few seconds: the coordinator answers a subscriber it has with a word, and one
/// that has started on another seed, which knows none, with the whole picture.
/// </summary>
internal sealed class ClusterSubscriber : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan Renewal = TimeSpan.FromSeconds(5);

    private readonly IActorRef _coordinator;
    private readonly ChannelWriter<object> _events;

    public ClusterSubscriber(IActorRef coordinator, ChannelWriter<object> events)
    {
        _coordinator = coordinator;
        _events = events;
        Receive<Renew>(_ => _coordinator.Tell(new SubscribeToCluster(Self)));
        Receive<StillSubscribed>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(state => _events.TryWrite(new MembersChanged(state)));

        // The event alone, not the node's read view (Cluster.State), which its own subscriber may update after this
        // one: the publisher answers with a state that holds every event it has published.
        Receive<ClusterEvent.IClusterDomainEvent>(_ => Cluster.Get(Context.System).SendCurrentClusterState(Self));
        ReceiveAny(message => _events.TryWrite(message));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef coordinator, ChannelWriter<object> events) =>
        Akka.Actor.Props.Create(() => new ClusterSubscriber(coordinator, events));

    protected override void PreStart()
    {
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        _coordinator.Tell(new SubscribeToCluster(Self));
        Timers.StartPeriodicTimer(Renew.Instance, Renew.Instance, Renewal);
    }

    protected override void PostStop()
    {
        Cluster.Get(Context.System).Unsubscribe(Self);
        _events.TryComplete();
    }

    private sealed class Renew
    {
        public static readonly Renew Instance = new();
    }
}
