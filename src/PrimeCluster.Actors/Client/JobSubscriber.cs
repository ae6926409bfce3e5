using System.Threading.Channels;
using Akka.Actor;
using PrimeCluster.Actors.Messages;
using static PrimeCluster.Actors.Messages.JobProtocol;

namespace PrimeCluster.Actors.Client;

/// <summary>
/// Subscribes to a job at the coordinator and writes the views it pushes to a channel, which it completes with the
/// finished view; stopping it ends the subscription. A running job is reported several times a second, so a quiet
/// spell means the coordinator may have moved to another seed, which knows no subscribers: it subscribes again there
/// (the coordinator keeps a subscriber once, however often it asks). With batches, it also writes the job's
/// <see cref="MonitoringProtocol.BatchTimeline"/>s.
/// </summary>
internal sealed class JobSubscriber : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan QuietLimit = TimeSpan.FromSeconds(3);

    private readonly IActorRef _coordinator;
    private readonly JobId _id;
    private readonly bool _batches;
    private readonly ChannelWriter<object> _views;

    public JobSubscriber(IActorRef coordinator, JobId id, bool batches, ChannelWriter<object> views)
    {
        _coordinator = coordinator;
        _id = id;
        _batches = batches;
        _views = views;
        Receive<JobView>(view =>
        {
            Timers.StartSingleTimer(Quiet.Instance, Quiet.Instance, QuietLimit);
            _views.TryWrite(view);
            if (view.State.IsFinished())
            {
                Context.Stop(Self);
            }
        });
        Receive<MonitoringProtocol.BatchTimeline>(timeline => _views.TryWrite(timeline));
        Receive<Quiet>(_ => Subscribe());
        Receive<JobNotFound>(_ =>
        {
            _views.TryComplete(new InvalidOperationException($"The coordinator lost job {_id}."));
            Context.Stop(Self);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef coordinator, JobId id, bool batches, ChannelWriter<object> views) =>
        Akka.Actor.Props.Create(() => new JobSubscriber(coordinator, id, batches, views));

    protected override void PreStart() => Subscribe();

    protected override void PostStop() => _views.TryComplete();

    private void Subscribe()
    {
        _coordinator.Tell(new SubscribeToJob(_id, Self, _batches));
        Timers.StartSingleTimer(Quiet.Instance, Quiet.Instance, QuietLimit);
    }

    private sealed class Quiet
    {
        public static readonly Quiet Instance = new();
    }
}
