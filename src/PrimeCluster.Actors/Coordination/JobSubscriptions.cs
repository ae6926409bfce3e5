using Akka.Actor;
using Akka.Event;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using static PrimeCluster.Actors.Messages.JobProtocol;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// Who hears of each job, and when: the cluster monitor every job's view as it moves; a job's subscribers its view at
/// once and whenever it moves, then its end; its awaiters its end. A finished job's view (and timeline) is answered at
/// once. The view the job last reported is current, so nothing is asked of the job (nor checkpointed again) for a
/// subscriber, however often one subscribes.
/// </summary>
/// <remarks>
/// Subscribers and awaiters are actors a message names, and any member can name any number: those kept are bounded per
/// node (<see cref="MaxPerNode"/>) and in all (<see cref="MaxInAll"/>), and a finished job's timeline, some 500 KB to
/// write, goes out at most <see cref="MaxTimelinesPerSecond"/> times a second. Beyond, a subscriber gets the job's view
/// once and is not kept (it asks again after a quiet spell, as after a coordinator moved), and an awaiter is not kept.
/// A node's API follows each job once, however many streams show it, so honest nodes stay far below.
/// </remarks>
/// <param name="monitor">The cluster monitor.</param>
/// <param name="context">The coordinator's, which watches the subscribers.</param>
internal sealed class JobSubscriptions(JobTable jobs, IActorRef monitor, IActorContext context, ILoggingAdapter log, TimeProvider time)
{
    /// <summary>Subscribers and awaiters of one node kept at once, over all jobs.</summary>
    public const int MaxPerNode = 1024;

    /// <summary>Subscribers and awaiters kept at once, over all nodes and jobs.</summary>
    public const int MaxInAll = 16 * MaxPerNode;

    public const int MaxTimelinesPerSecond = 16;

    private readonly Dictionary<Address, int> _keptByNode = [];
    private readonly HashSet<Address> _refusedNodes = [];
    private int _kept;
    private long _timelineSecond;
    private int _timelinesThisSecond;

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

        var added = entry.Actor is not null && !entry.Subscribers.Contains(subscribe.Subscriber) && TryKeep(subscribe.Subscriber) && entry.Subscribers.Add(subscribe.Subscriber);
        if (added)
        {
            context.Watch(subscribe.Subscriber);
        }

        // A finished job's timeline goes first: its view ends the subscription.
        if (subscribe.Batches && entry.Actor is null && TryTimeline(subscribe.Subscriber))
        {
            (entry.Timeline ?? new BatchTimeline(entry.View.Id, [], Snapshot: true)).TellTo(subscribe.Subscriber);
        }

        subscribe.Subscriber.Tell(entry.View);
        if (subscribe.Batches && added)
        {
            entry.Actor!.Tell(new JobControl.WatchBatches(subscribe.Subscriber));
        }
    }

    /// <summary>The job's end goes to <paramref name="replyTo"/>: at once if it has ended.</summary>
    public void Await(JobId id, IActorRef replyTo)
    {
        if (!jobs.TryGetValue(id, out var entry))
        {
            replyTo.Tell(new JobNotFound(id));
        }
        else if (entry.View.State.IsTerminal())
        {
            replyTo.Tell(entry.View);
        }
        else if (TryKeep(replyTo))
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
            Release(awaiter);
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
            if (jobs[id].Subscribers.Remove(subscriber))
            {
                Release(subscriber);
                any = true;
            }
        }

        return any;
    }

    /// <summary>Whether one more subscriber or awaiter of its node may be kept; if so, it is counted.</summary>
    private bool TryKeep(IActorRef who)
    {
        var node = who.Path.Address;
        var ofNode = _keptByNode.GetValueOrDefault(node);
        if (ofNode >= MaxPerNode || _kept >= MaxInAll)
        {
            Refused(node, ofNode >= MaxPerNode ? $"{MaxPerNode} subscriptions and waits of that node" : $"{MaxInAll} subscriptions and waits in all");
            return false;
        }

        _keptByNode[node] = ofNode + 1;
        _kept++;
        return true;
    }

    private void Release(IActorRef who)
    {
        var node = who.Path.Address;
        if (_keptByNode.TryGetValue(node, out var ofNode))
        {
            _kept--;
            if (ofNode <= 1)
            {
                _keptByNode.Remove(node);
            }
            else
            {
                _keptByNode[node] = ofNode - 1;
            }
        }
    }

    /// <summary>Whether a finished job's timeline may go out now: a few a second, as each is some 500 KB to write.</summary>
    private bool TryTimeline(IActorRef to)
    {
        var second = time.GetTimestamp() / time.TimestampFrequency;
        if (second != _timelineSecond)
        {
            (_timelineSecond, _timelinesThisSecond) = (second, 0);
        }

        if (_timelinesThisSecond >= MaxTimelinesPerSecond)
        {
            Refused(to.Path.Address, $"{MaxTimelinesPerSecond} finished jobs' timelines a second");
            return false;
        }

        _timelinesThisSecond++;
        return true;
    }

    /// <summary>Logged once per node, of a bounded number of nodes: the names are a sender's to choose.</summary>
    private void Refused(Address node, string limit)
    {
        if (_refusedNodes.Count < MaxPerNode && _refusedNodes.Add(node))
        {
            log.Warning("Subscriptions for actors of {0} beyond {1}: answered once, not kept (further refusals for that node are not logged)", node, limit);
        }
    }
}
