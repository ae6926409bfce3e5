using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using static Akka.Cluster.ClusterEvent;

namespace PrimeCluster.Actors.Logging;

/// <summary>
/// One line for each change of membership a person cares about: this node up in the cluster, another node joining,
/// leaving or removed after being downed, and this node stopping. Akka tells each of them in several lines, which
/// <see cref="AkkaLogRules"/> puts at debug.
/// </summary>
public sealed class MembershipLog : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Cluster _cluster = Cluster.Get(Context.System);

    /// <summary>Whether this node is up: until it is, the members it learns of were there before it came.</summary>
    private bool _up;

    public MembershipLog()
    {
        Receive<CurrentClusterState>(state =>
        {
            if (state.Members.FirstOrDefault(m => m.Address.Equals(_cluster.SelfAddress)) is { Status: MemberStatus.Up } self)
            {
                SelfUp(self);
            }
        });
        Receive<MemberUp>(up =>
        {
            if (up.Member.Address.Equals(_cluster.SelfAddress))
            {
                SelfUp(up.Member);
            }
            else if (_up)
            {
                _log.Info("{0} joined the cluster, roles {1}", up.Member.Address, Roles(up.Member));
            }
        });

        // Another member that went through Exiting left; one that was Down was downed. Any other removal, and this
        // node's own, is its view of the cluster ending as it stops.
        Receive<MemberRemoved>(removed =>
        {
            if (removed.Member.Address.Equals(_cluster.SelfAddress))
            {
                return;
            }

            if (removed.PreviousStatus == MemberStatus.Exiting)
            {
                _log.Info("{0} left the cluster", removed.Member.Address);
            }
            else if (removed.PreviousStatus == MemberStatus.Down)
            {
                _log.Info("{0} was downed and is out of the cluster", removed.Member.Address);
            }
        });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new MembershipLog());

    /// <summary>The one line a node says as it stops; a node downed by the cluster, or left by its seeds, says so where it decides to join again.</summary>
    public static void LogStopping(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        var shutdown = CoordinatedShutdown.Get(system);
        var log = Akka.Event.Logging.GetLogger(system, typeof(MembershipLog));
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "log-stopping", () =>
        {
            switch (shutdown.ShutdownReason)
            {
                case CoordinatedShutdown.ClusterDowningReason or Hosting.SeedsLeft:
                    break;
                case CoordinatedShutdown.ClrExitReason:
                    log.Info("Stopping, as the process was told to (SIGTERM, Ctrl+C): leaving the cluster");
                    break;
                default:
                    log.Info("Stopping: leaving the cluster");
                    break;
            }

            return Task.FromResult(Akka.Done.Instance);
        });
    }

    protected override void PreStart() =>
        _cluster.Subscribe(Self, SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(MemberUp), typeof(MemberRemoved));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private static string Roles(Member member) => string.Join(", ", member.Roles.Order(StringComparer.Ordinal));

    private void SelfUp(Member self)
    {
        if (!_up)
        {
            _up = true;
            _log.Info("Up in the cluster as {0}, roles {1}", self.Address, Roles(self));
        }
    }
}
