using Akka.Actor;
using Akka.Cluster;
using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Configuration;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Contracts;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Node.Api;

/// <summary>The node's health on every node, the cluster's members on seeds, and a pointer to the seeds on other nodes.</summary>
internal static class ClusterEndpoints
{
    /// <summary>
    /// Healthy once the node is Up and can reach a seed, where the coordinator runs: a node cut off from every seed
    /// counts for nobody (<c>no-seed</c>) until it has joined again.
    /// </summary>
    public static void MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/healthz", (ActorSystem system) =>
        {
            var cluster = Cluster.Get(system);
            var member = cluster.SelfMember.Status;
            var state = cluster.State;
            var seedReachable = state.Members.Any(m => m.Status == MemberStatus.Up && m.HasRole(ClusterConfig.SeedRole) && !state.Unreachable.Contains(m));
            var status = member != MemberStatus.Up ? "starting" : seedReachable ? "up" : "no-seed";
            return ApiResults.Json(new HealthResource(status, ClusterResources.Name(member)), status == "up" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });

    /// <summary>
    /// On a node without the seed role, the seeds' routes answer <see cref="ApiResults.NotASeed"/>: a client pointed at
    /// a worker's URL can say so, where a bare 404 would read as an unknown job.
    /// </summary>
    public static void MapNotASeed(this IEndpointRouteBuilder app)
    {
        foreach (var pattern in new[] { "/jobs", "/jobs/{**rest}", "/cluster", "/events" })
        {
            app.Map(pattern, () => ApiResults.NotASeed());
        }
    }

    public static void MapClusterApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/cluster", async (ActorSystem system, CoordinatorClient client, CancellationToken ct) =>
        {
            var list = await client.WorkerListAsync(ct);
            var activity = list.Workers.Select(w => w.Node).Union(list.Mismatches.Select(m => m.Node))
                .Select(node =>
                {
                    var own = list.Workers.Where(w => w.Node == node).ToList();
                    return new NodeActivity(node, own.Count, own.Count(w => w.Batches > 0), list.Mismatches.Where(n => n.Node == node).Sum(n => n.Count), own.Count(w => w.Excluded));
                })
                .ToList();
            return ApiResults.Json(ClusterResources.From(system, activity, list.Throughput));
        });
        app.MapGet("/events", (ActorSystem system, CoordinatorClient client, CancellationToken ct) =>
            TypedResults.ServerSentEvents(EventStream.WithKeepAlive(ClusterEventsAsync(system, client, ct), ct)));
    }

    /// <summary>The cluster's live picture as server-sent events (<see cref="ClusterEvents"/>), as the coordinator pushes it.</summary>
    private static async IAsyncEnumerable<SseItem<string>> ClusterEventsAsync(ActorSystem system, CoordinatorClient client, [EnumeratorCancellation] CancellationToken ct)
    {
        IReadOnlyList<NodeActivity> activity = [];
        ThroughputSample? throughput = null;
        ClusterEvent.CurrentClusterState? members = null;
        await foreach (var pushed in client.WatchClusterAsync(system, ct).ConfigureAwait(false))
        {
            switch (pushed)
            {
                case JobProtocol.JobList jobs:
                    yield return EventStream.Item(ClusterEvents.Jobs, jobs.Jobs.Select(JobResources.From).ToList());
                    break;
                case JobView view:
                    yield return EventStream.Item(ClusterEvents.Job, JobResources.From(view));
                    break;
                case Activity now:
                    activity = now.Nodes;
                    yield return EventStream.Item(ClusterEvents.Cluster, ClusterResources.From(system, activity, throughput, members));
                    break;
                case MembersChanged changed:
                    members = changed.State;
                    yield return EventStream.Item(ClusterEvents.Cluster, ClusterResources.From(system, activity, throughput, members));
                    break;
                case ThroughputSample sample:
                    throughput = sample;
                    yield return EventStream.Item(ClusterEvents.Throughput, ClusterResources.From(sample));
                    break;
                case ThroughputHistory history:
                    yield return EventStream.Item(ClusterEvents.ThroughputHistory, history.Samples.Select(ClusterResources.From).ToList());
                    break;
            }
        }
    }
}
