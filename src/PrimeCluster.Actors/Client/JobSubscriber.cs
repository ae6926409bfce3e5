using System.Threading.Channels;
using Akka.Actor;
using PrimeCluster.Actors.Messages;
using static PrimeCluster.Actors.Messages.JobProtocol;

namespace PrimeCluster.Actors.Client;

/// <summary>
/// Subscribes to a job at the coordinator and writes what it pushes to a channel as <see cref="JobEvent"/>s, which it
/// completes after the last (<see cref="JobEvent.IsLast"/>); stopping it ends the subscription. A running job is
/// reported several times a second, so a quiet spell means the coordinator may have moved to another seed, which
/// knows no subscribers: it subscribes again there (the coordinator keeps a subscriber once, however often it asks).
/// With batches, it also writes the job's batch hand-outs.
/// </summary>
internal sealed class JobSubscriber : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan QuietLimit = TimeSpan.FromSeconds(3);

    private readonly IActorRef _coordinator;
    private readonly JobId _id;
    private readonly bool _batches;
    private readonly ChannelWriter<JobEvent> _events;

    public JobSubscriber(IActorRef coordinator, JobId id, bool batches, ChannelWriter<JobEvent> events)
    {
        _coordinator = coordinator;
        _id = id;
        _batches = batches;
        _events = events;
        Receive<JobView>(view =>
        {
            Timers.StartSingleTimer(Quiet.Instance, Quiet.Instance, QuietLimit);
            Write(JobEvent.Of(view));
        });
        Receive<MonitoringProtocol.BatchTimeline>(timeline => Write(new JobEvent.Batches(timeline)));
        Receive<Quiet>(_ => Subscribe());
        Receive<JobNotFound>(_ => Write(new JobEvent.Lost(_id)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef coordinator, JobId id, bool batches, ChannelWriter<JobEvent> events) =>
        Akka.Actor.Props.Create(() => new JobSubscriber(coordinator, id, batches, events));

    protected override void PreStart() => Subscribe();

    protected override void PostStop() => _events.TryComplete();

    private void Subscribe()
    {
        _coordinator.Tell(new SubscribeToJob(_id, Self, _batches));
        Timers.StartSingleTimer(Quiet.Instance, Quiet.Instance, QuietLimit);
    }

    private void Write(JobEvent e)
    {
        _events.TryWrite(e);
        if (e.IsLast)
        {
            Context.Stop(Self);
        }
    }

    private sealed class Quiet
    {
        public static readonly Quiet Instance = new();
    }
}
