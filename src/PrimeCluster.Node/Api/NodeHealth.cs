using Akka.Actor;
using Akka.Cluster;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Coordination;
using PrimeCluster.Contracts;

namespace PrimeCluster.Node.Api;

/// <summary>
/// <c>GET /healthz</c> on every node, by ASP.NET Core's health checks: <c>200</c> with <c>status</c> <c>up</c> once the
/// node is Up and reaches a seed, where the coordinator runs, and its job journal can write; else <c>503</c> with
/// <c>starting</c>, <c>no-seed</c> (cut off from every seed until it has joined again) or <c>journal-failing</c> (and
/// why, in <c>error</c>).
/// </summary>
internal static class NodeHealth
{
    public const string Path = "/healthz";

    private const string StatusKey = "status";

    public static IServiceCollection AddNodeHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<MembershipCheck>("membership")
            .AddCheck<JournalCheck>("journal");
        return services;
    }

    public static void MapHealth(this IEndpointRouteBuilder app) => app.MapHealthChecks(Path, new HealthCheckOptions
    {
        ResponseWriter = WriteAsync,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    });

    /// <summary>The membership's verdict first: a node that is not Up is <c>starting</c> whatever its journal says.</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var membership = report.Entries["membership"];
        var journal = report.Entries["journal"];
        var resource = membership.Status != HealthStatus.Healthy || journal.Status == HealthStatus.Healthy
            ? new HealthResource((string)membership.Data[StatusKey], (string)membership.Data["member"])
            : new HealthResource("journal-failing", (string)membership.Data["member"], journal.Description);
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsJsonAsync(resource, ApiJson.Types.HealthResource, contentType: null, context.RequestAborted);
    }

    /// <summary>Up, and a seed reachable: a node cut off from every seed counts for nobody.</summary>
    private sealed class MembershipCheck(ActorSystem system) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var cluster = Cluster.Get(system);
            var member = cluster.SelfMember.Status;
            var state = cluster.State;
            var seedReachable = state.Members.Any(m => m.Status == MemberStatus.Up && m.HasRole(ClusterConfig.SeedRole) && !state.Unreachable.Contains(m));
            var status = member != MemberStatus.Up ? "starting" : seedReachable ? "up" : "no-seed";
            var data = new Dictionary<string, object> { [StatusKey] = status, ["member"] = ClusterResources.Name(member) };
            return Task.FromResult(new HealthCheckResult(status == "up" ? HealthStatus.Healthy : HealthStatus.Unhealthy, status, data: data));
        }
    }

    /// <summary>A seed's job journal can write (<see cref="JournalHealth"/>); a node without one on disk has nothing to fail.</summary>
    private sealed class JournalCheck(ActorSystem system) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(JournalHealth.Get(system).Failure is { } failure ? HealthCheckResult.Unhealthy(failure) : HealthCheckResult.Healthy());
    }
}
