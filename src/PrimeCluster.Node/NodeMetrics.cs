using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using PrimeCluster.Actors.Diagnostics;
using PrimeCluster.Node.Streams;

namespace PrimeCluster.Node;

/// <summary>
/// <c>GET /metrics</c> on every node, in Prometheus's text format: the actors' instruments (<see cref="ClusterMetrics"/>)
/// and the .NET runtime's own (its built-in <c>System.Runtime</c> meter: GC, heap, thread pool, CPU time). It sits
/// behind the API's guards like every route: the bearer token when API_TOKEN is set, else the node's own host names.
/// </summary>
internal static class NodeMetrics
{
    public const string Path = "/metrics";

    /// <summary>Registered before the actor system, so that the exporter listens before the first batch is counted.</summary>
    public static IServiceCollection AddNodeMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("primecluster-node"))
            .WithMetrics(metrics => metrics
                .AddMeter(ClusterMetrics.MeterName, StreamMetrics.MeterName, "System.Runtime")
                .AddPrometheusExporter(exporter =>
                {
                    exporter.ScrapeEndpointPath = Path;

                    // Every series of a node would carry otel_scope_name otherwise: the metric names say whose they are.
                    exporter.ScopeInfoEnabled = false;
                }));
        return services;
    }

    public static void MapMetrics(this IEndpointRouteBuilder app) => app.MapPrometheusScrapingEndpoint(Path);
}
