using Akka.Actor;
using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Messages;

namespace PrimeCluster.Node.Streams;

/// <summary>
/// The node's feeds: one for the cluster and one per job followed (with batches or without), each started by its first
/// stream and ended by its last, so that however many streams show a thing, the coordinator pushes it here once.
/// </summary>
internal sealed class EventFeeds(CoordinatorClient client, ActorSystem system, ILogger<EventFeeds> log)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(JobId Id, bool Batches), JobFeed> _jobs = [];
    private ClusterFeed? _cluster;

    /// <summary>A stream's reader of the job's events; <paramref name="view"/> is the job as the stream found it.</summary>
    public EventReader JoinJob(JobView view, bool batches)
    {
        ArgumentNullException.ThrowIfNull(view);
        var key = (view.Id, batches);
        lock (_gate)
        {
            while (true)
            {
                if (!_jobs.TryGetValue(key, out var feed))
                {
                    feed = new JobFeed(view, batches, ct => client.FollowAsync(view.Id, system, batches, ct), log);
                    feed.Ended += () => Forget(_jobs, key, feed);
                    _jobs[key] = feed;
                }

                if (feed.TryJoin() is { } reader)
                {
                    return reader;
                }

                _jobs.Remove(key);
            }
        }
    }

    /// <summary>A stream's reader of the cluster's live picture.</summary>
    public EventReader JoinCluster()
    {
        lock (_gate)
        {
            while (true)
            {
                if (_cluster is null)
                {
                    var feed = new ClusterFeed(system, ct => client.WatchClusterAsync(system, ct), log);
                    feed.Ended += () =>
                    {
                        lock (_gate)
                        {
                            if (_cluster == feed)
                            {
                                _cluster = null;
                            }
                        }
                    };
                    _cluster = feed;
                }

                if (_cluster.TryJoin() is { } reader)
                {
                    return reader;
                }

                _cluster = null;
            }
        }
    }

    private void Forget(Dictionary<(JobId, bool), JobFeed> feeds, (JobId, bool) key, JobFeed feed)
    {
        lock (_gate)
        {
            if (feeds.TryGetValue(key, out var known) && known == feed)
            {
                feeds.Remove(key);
            }
        }
    }
}
