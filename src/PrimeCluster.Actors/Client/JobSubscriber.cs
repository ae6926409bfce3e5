using System.Threading.Channels;
using Akka.Actor;
using PrimeCluster.Actors.Messages;
using static PrimeCluster.Actors.Messages.JobProtocol;

namespace PrimeCluster.Actors.Client;

/// <summary>
/// Subscribes to a job at the coordinator and writes the views it pushes to a channel, which it completes with the
/// finished view; stopping it ends the subscription.
/// </summary>
internal sealed class JobSubscriber : ReceiveActor
{
    private readonly IActorRef _coordinator;
    private readonly JobId _id;
    private readonly ChannelWriter<JobView> _views;

    public JobSubscriber(IActorRef coordinator, JobId id, ChannelWriter<JobView> views)
    {
        _coordinator = coordinator;
        _id = id;
        _views = views;
        Receive<JobView>(view =>
        {
            _views.TryWrite(view);
            if (view.State.IsFinished())
            {
                Context.Stop(Self);
            }
        });
        Receive<JobNotFound>(_ =>
        {
            _views.TryComplete(new InvalidOperationException($"The coordinator lost job {_id}."));
            Context.Stop(Self);
        });
    }

    public static Props Props(IActorRef coordinator, JobId id, ChannelWriter<JobView> views) =>
        Akka.Actor.Props.Create(() => new JobSubscriber(coordinator, id, views));

    protected override void PreStart() => _coordinator.Tell(new SubscribeToJob(_id, Self));

    protected override void PostStop() => _views.TryComplete();
}
