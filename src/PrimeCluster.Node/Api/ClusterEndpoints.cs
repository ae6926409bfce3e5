using Akka.Actor;
using Akka.Cluster;
using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Contracts;
using PrimeCluster.Node.Dashboard;
using PrimeCluster.Node.Streams;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Node.Api;

/// <summary>The cluster's members on seeds, and a pointer to the seeds on other nodes.</summary>
internal static class ClusterEndpoints
{
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

        app.MapWorkerPage();
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
        app.MapGet("/events", (EventFeeds feeds) => new EventStreamResult(feeds.JoinCluster())).RequireRateLimiting(EventStreamLimits.Policy);
    }
}
