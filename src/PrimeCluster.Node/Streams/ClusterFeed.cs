using Akka.Actor;
using Akka.Cluster;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Contracts;
using PrimeCluster.Node.Api;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Node.Streams;

/// <summary>
/// The cluster's live picture for every stream of it on this node (<c>GET /events</c>, <see cref="ClusterEvents"/>),
/// from one subscription at the coordinator. A stream that joins late gets the picture so far (the newest jobs, the
/// members, the throughput of the last 15 minutes), each part serialized once for every stream that joins before it
/// changes.
/// </summary>
/// <param name="watch">What the coordinator and this node's cluster push (<see cref="Actors.Client.CoordinatorClient.WatchClusterAsync"/>).</param>
internal sealed class ClusterFeed(ActorSystem system, Func<CancellationToken, IAsyncEnumerable<object>> watch, ILogger log) : EventFeed(log)
{
    private List<JobResource>? _jobs;
    private EventBlock? _jobsBlock;
    private IReadOnlyList<NodeActivity> _activity = [];
    private ThroughputSample? _throughput;
    private ClusterEvent.CurrentClusterState? _members;
    private EventBlock? _cluster;
    private List<ThroughputResource>? _history;
    private EventBlock? _historyBlock;

    public override string ToString() => "the cluster";

    protected override IEnumerable<EventBlock> Picture()
    {
        if (_jobs is not null)
        {
            yield return _jobsBlock ??= EventBlock.Of(ClusterEvents.Jobs, _jobs);
        }

        if (_cluster is not null)
        {
            yield return _cluster;
        }

        if (_history is not null)
        {
            yield return _historyBlock ??= EventBlock.Of(ClusterEvents.ThroughputHistory, _history);
        }
    }

    protected override async Task FollowAsync(CancellationToken cancellationToken)
    {
        await foreach (var pushed in watch(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            switch (pushed)
            {
                case JobProtocol.JobList list:
                    Publish(() =>
                    {
                        _jobs = [.. list.Jobs.Select(JobResources.From)];
                        return _jobsBlock = EventBlock.Of(ClusterEvents.Jobs, _jobs);
                    });
                    break;
                case JobView view:
                    Publish(() => Job(JobResources.From(view)));
                    break;
                case Activity now:
                    Publish(() =>
                    {
                        _activity = now.Nodes;
                        return Cluster();
                    });
                    break;
                case MembersChanged changed:
                    Publish(() =>
                    {
                        _members = changed.State;
                        return Cluster();
                    });
                    break;
                case ThroughputSample sample:
                    Publish(() => Throughput(sample));
                    break;
                case ThroughputHistory history:
                    Publish(() =>
                    {
                        _history = [.. history.Samples.Select(ClusterResources.From)];
                        return _historyBlock = EventBlock.Of(ClusterEvents.ThroughputHistory, _history);
                    });
                    break;
            }
        }
    }

    /// <summary>A job submitted, moved or ended: in the newest jobs a joiner gets, and as a <c>job</c> event.</summary>
    private EventBlock Job(JobResource job)
    {
        if (_jobs is not null)
        {
            var known = _jobs.FindIndex(j => j.Id == job.Id);
            if (known >= 0)
            {
                _jobs[known] = job;
            }
            else
            {
                _jobs.Add(job);
                _jobs.Sort((a, b) => b.SubmittedAt.CompareTo(a.SubmittedAt));
                if (_jobs.Count > SubscribeToCluster.NewestJobs)
                {
                    _jobs.RemoveAt(_jobs.Count - 1);
                }
            }

            _jobsBlock = null;
        }

        return EventBlock.Of(ClusterEvents.Job, job);
    }

    private EventBlock Cluster() => _cluster = EventBlock.Of(ClusterEvents.Cluster, ClusterResources.From(system, _activity, _throughput, _members));

    private EventBlock Throughput(ThroughputSample sample)
    {
        _throughput = sample;
        var resource = ClusterResources.From(sample);
        if (_history is not null)
        {
            _history.Add(resource);
            _history.RemoveAll(s => sample.At - s.At > ThroughputHistory.Window);
            _historyBlock = null;
        }

        return EventBlock.Of(ClusterEvents.Throughput, resource);
    }
}
