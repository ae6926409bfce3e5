using Akka.Actor;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using static PrimeCluster.Actors.Messages.JobProtocol;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// Who hears of each job, and when: the cluster monitor every job's view as it moves; a job's subscribers its view at
/// once and whenever it moves, then its end; its awaiters its end. A finished job's view (and timeline) is answered at
/// once. The view the job last reported is current, so nothing is asked of the job (nor checkpointed again) for a
/// subscriber, however often one subscribes.
/// </summary>
/// <param name="monitor">The cluster monitor.</param>
/// <param name="context">The coordinator's, which watches the subscribers.</param>
internal sealed class JobSubscriptions(JobTable jobs, IActorRef monitor, IActorContext context)
{
    /// <summary>
    /// The job's view as last reported goes to the subscriber at once; a running job's, again whenever it moves; with
    /// batches, its timeline too.
    /// </summary>
    public void Subscribe(SubscribeToJob subscribe)
    {
        if (!jobs.TryGetValue(subscribe.Id, out var entry))
        {
            subscribe.Subscriber.Tell(new JobNotFound(subscribe.Id));
            return;
        }

        if (entry.Actor is not null && entry.Subscribers.Add(subscribe.Subscriber))
        {
            context.Watch(subscribe.Subscriber);
        }

        // A finished job's timeline goes first: its view ends the subscription.
        if (subscribe.Batches && entry.Actor is null)
        {
            subscribe.Subscriber.Tell(entry.Timeline ?? new BatchTimeline(entry.View.Id, [], Snapshot: true));
        }

        subscribe.Subscriber.Tell(entry.View);
        if (subscribe.Batches && entry.Actor is not null)
        {
            entry.Actor.Tell(new JobControl.WatchBatches(subscribe.Subscriber));
        }
    }

    /// <summary>The job's end goes to <paramref name="replyTo"/>: at once if it has ended.</summary>
    public void Await(JobId id, IActorRef replyTo)
    {
        if (!jobs.TryGetValue(id, out var entry))
        {
            replyTo.Tell(new JobNotFound(id));
        }
        else if (entry.View.State.IsFinished())
        {
            replyTo.Tell(entry.View);
        }
        else
        {
            entry.Awaiters.Add(replyTo);
        }
    }

    /// <summary>A job's view, new or moved, goes to the monitor and to its subscribers.</summary>
    public void Moved(JobEntry entry)
    {
        monitor.Tell(entry.View);
        foreach (var subscriber in entry.Subscribers)
        {
            subscriber.Tell(entry.View);
        }
    }

    /// <summary>A job's final view goes to the monitor, its awaiters and its subscribers, which it ends.</summary>
    public void Ended(JobEntry entry)
    {
        monitor.Tell(entry.View);
        foreach (var awaiter in entry.Awaiters.Concat(entry.Subscribers))
        {
            awaiter.Tell(entry.View);
        }

        entry.Awaiters.Clear();
        entry.Subscribers.Clear();
    }

    /// <summary>A subscriber that stopped is forgotten; true when it was one.</summary>
    public bool Forget(IActorRef subscriber, IEnumerable<JobId> running)
    {
        var any = false;
        foreach (var id in running)
        {
            any |= jobs[id].Subscribers.Remove(subscriber);
        }

        return any;
    }
}
