using Akka.Actor;
using Akka.Cluster;
using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Contracts;

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
            return ApiResults.Json(new HealthResource(status, Name(member)), status == "up" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });

    /// <summary>
    /// On a node without the seed role, the seeds' routes answer <see cref="ApiResults.NotASeed"/>: a client pointed at
    /// a worker's URL can say so, where a bare 404 would read as an unknown job.
    /// </summary>
    public static void MapNotASeed(this IEndpointRouteBuilder app)
    {
        foreach (var pattern in new[] { "/jobs", "/jobs/{**rest}", "/cluster" })
        {
            app.Map(pattern, () => ApiResults.NotASeed());
        }
    }

    public static void MapClusterApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/cluster", async (ActorSystem system, CoordinatorClient client, CancellationToken ct) =>
        {
            var cluster = Cluster.Get(system);
            var state = cluster.State;
            var list = await client.WorkerListAsync(ct);
            var members = state.Members
                .Select(m =>
                {
                    var own = list.Workers.Where(w => w.Node == m.Address).ToList();
                    return new MemberResource(
                        m.Address.ToString(),
                        m.Roles.Order(StringComparer.Ordinal).ToList(),
                        Name(m.Status),
                        !state.Unreachable.Contains(m),
                        own.Count,
                        own.Count(w => w.Batches > 0),
                        list.Mismatches.Where(n => n.Node == m.Address).Sum(n => n.Count),
                        own.Count(w => w.Excluded));
                })
                .ToList();
            var totals = new ClusterTotals(members.Count, members.Sum(m => m.Workers), members.Sum(m => m.Busy));
            return ApiResults.Json(new ClusterResource(cluster.SelfAddress.ToString(), state.Leader?.ToString(), members, totals));
        });

    private static string Name(MemberStatus status) => status.ToString().ToLowerInvariant();
}
