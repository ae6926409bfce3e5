using Akka.Actor;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// Beside the coordinator, its child: pushes the cluster's live picture to subscribers (the dashboards' streams): every
/// job's view as the coordinator hears of it, the workers by node and whether they hold batches, and each node's
/// throughput, a sample a second while anything computes and for the last 15 minutes. At rest it has no timer.
/// </summary>
internal sealed class ClusterMonitor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);

    private readonly HashSet<IActorRef> _subscribers = [];
    private readonly ThroughputRecorder _throughput = new();

    /// <summary>The batches each worker holds, by running job.</summary>
    private readonly Dictionary<JobId, IReadOnlyDictionary<IActorRef, int>> _held = [];
    private Roster _roster = Roster.Empty;
    private Activity? _told;

    public ClusterMonitor()
    {
        Receive<Subscribe>(subscribe =>
        {
            if (!_subscribers.Add(subscribe.Subscriber))
            {
                subscribe.Subscriber.Tell(StillSubscribed.Instance);
                return;
            }

            Context.Watch(subscribe.Subscriber);
            subscribe.Subscriber.Tell(subscribe.Jobs);
            subscribe.Subscriber.Tell(Activity());
            subscribe.Subscriber.Tell(new ThroughputHistory(_throughput.History));
        });
        Receive<Terminated>(terminated => _subscribers.Remove(terminated.ActorRef));
        Receive<JobView>(view =>
        {
            if (view.State.IsFinished())
            {
                _held.Remove(view.Id);
            }

            TellAll(view);
        });
        Receive<JobControl.Activity>(activity =>
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var (node, counted) in activity.Counted)
            {
                _throughput.Add(node, activity.Algorithm, counted, now);
            }

            _held[activity.JobId] = activity.Held;
            if (!Timers.IsTimerActive(Sample.Instance))
            {
                Timers.StartPeriodicTimer(Sample.Instance, Sample.Instance, SampleInterval);
            }
        });
        Receive<GetLatestThroughput>(_ => Sender.Tell(new LatestThroughput(_throughput.Latest)));
        Receive<Roster>(roster =>
        {
            _roster = roster;
            TellActivityIfChanged();
        });
        Receive<Sample>(_ =>
        {
            var active = _throughput.Active;
            var sample = _throughput.Sample(DateTimeOffset.UtcNow);
            if (active)
            {
                TellAll(sample);
            }

            TellActivityIfChanged();
            if (!_throughput.Active && _held.Values.All(h => h.Count == 0))
            {
                // The zero sample that ends a spell of work has gone out: nothing to sample until work comes back.
                Timers.Cancel(Sample.Instance);
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props() => Akka.Actor.Props.Create(() => new ClusterMonitor());

    private Activity Activity()
    {
        var busy = _held.Values.SelectMany(h => h).Where(h => h.Value > 0).Select(h => h.Key).ToHashSet();
        var system = Context.System;
        var nodes = _roster.Workers
            .GroupBy(w => NodeAddress.Of(w, system))
            .Select(g => g.Key)
            .Union(_roster.Mismatches.Keys)
            .Select(node =>
            {
                var workers = _roster.Workers.Where(w => NodeAddress.Of(w, system) == node).ToList();
                return new NodeActivity(
                    node,
                    workers.Count,
                    workers.Count(busy.Contains),
                    _roster.Mismatches.GetValueOrDefault(node),
                    workers.Count(_roster.Excluded.Contains));
            })
            .OrderBy(n => n.Node.ToString(), StringComparer.Ordinal)
            .ToList();
        return new Activity(nodes);
    }

    private void TellActivityIfChanged()
    {
        var activity = Activity();
        if (_told is not null && _told.Nodes.SequenceEqual(activity.Nodes))
        {
            return;
        }

        _told = activity;
        TellAll(activity);
    }

    private void TellAll(object message)
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.Tell(message);
        }
    }

    /// <summary>A new subscriber, with the newest jobs to send it first.</summary>
    public sealed record Subscribe(IActorRef Subscriber, JobProtocol.JobList Jobs) : INoSerializationVerificationNeeded;

    /// <summary>The coordinator's registered workers, wrong tallies by node, and workers excluded by a running job.</summary>
    public sealed record Roster(IReadOnlyCollection<IActorRef> Workers, IReadOnlyDictionary<Address, int> Mismatches, IReadOnlySet<IActorRef> Excluded) : INoSerializationVerificationNeeded
    {
        public static readonly Roster Empty = new([], new Dictionary<Address, int>(), new HashSet<IActorRef>());
    }

    /// <summary>Asks for the newest throughput sample, which <see cref="GetLatestThroughput"/> answers.</summary>
    public sealed class GetLatestThroughput : INoSerializationVerificationNeeded
    {
        public static readonly GetLatestThroughput Instance = new();

        private GetLatestThroughput()
        {
        }
    }

    /// <summary>The newest throughput sample; null before any node has computed anything.</summary>
    public sealed record LatestThroughput(ThroughputSample? Sample) : INoSerializationVerificationNeeded;

    private sealed class Sample : INoSerializationVerificationNeeded
    {
        public static readonly Sample Instance = new();

        private Sample()
        {
        }
    }
}
