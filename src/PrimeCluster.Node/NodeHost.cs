using System.Net;
using Akka.Hosting;
using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Coordination;
using PrimeCluster.Actors.Hosting;
using PrimeCluster.Actors.Logging;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Node.Api;
using PrimeCluster.Node.Dashboard;
using PrimeCluster.Node.Streams;

namespace PrimeCluster.Node;

/// <summary>A node: its actor system under Akka.Hosting, the job API and the dashboard on seeds, and /healthz and /metrics on every node.</summary>
public static class NodeHost
{
    /// <summary>The category of what the node host itself logs.</summary>
    public const string LogCategory = "PrimeCluster.Node";

    /// <param name="kernels">The workers' kernel for each algorithm; the real ones unless a test says otherwise.</param>
    /// <param name="journal">A seed's job journal, opened and held by the caller; else the node opens its DATA_DIR itself.</param>
    public static WebApplication Build(NodeConfiguration node, Func<Algorithm, IPrimeKernel>? kernels = null, JournalStore? journal = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        var apiUrl = node.ApiUrl;
        var token = node.ApiToken;

        var builder = WebApplication.CreateSlimBuilder();

        // API_URL alone says where the node listens, whatever ASPNETCORE_HTTP_PORTS a base image sets.
        builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, string.Empty);
        builder.WebHost.UseSetting(WebHostDefaults.HttpsPortsKey, string.Empty);
        builder.WebHost.UseUrls(apiUrl);
        if (node.Tls is { } tls)
        {
            // An https API_URL serves the node's own certificate, which clients check against the cluster's CA.
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = tls.Certificate));
        }

        // Akka's events and the host's in one format, at the level akka.loglevel sets. The host's own start and stop
        // ("Now listening on", "Application started") would repeat what the node's lines say.
        builder.Logging.AddPrimeClusterConsole(NodeLogging.HostLevel(node.Hocon), standardError: false);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        // A start that failed is said in one line by primecluster-node, and a start cut short by Ctrl+C is no failure:
        // neither is worth the host's stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        // Every unhealthy answer of /healthz, as often as a probe asks: what changed is logged once where it changed.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddNodeMetrics();
        builder.Services.AddNodeHealth();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddAkka(ClusterConfig.SystemName, akka => akka.AddPrimeCluster(node, kernels, journal));
        builder.Services.AddSingleton(services => new CoordinatorClient(services.GetRequiredService<IRequiredActor<CoordinatorKey>>().ActorRef));
        builder.Services.AddSingleton<EventFeeds>();
        EventStreamLimits.From(node.Hocon).AddTo(builder.Services);
        if (token.Length > 0)
        {
            builder.Services.AddApiToken(token);
        }
        else
        {
            builder.Services.Configure<Microsoft.AspNetCore.HostFiltering.HostFilteringOptions>(filter => filter.AllowedHosts = [.. ApiHosts.Allowed(new Uri(apiUrl), node.PublicHost)]);
        }

        var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory);
        // The handler is ApiExceptionHandler; the empty pipeline is what the middleware asks for when there is none.
        app.UseExceptionHandler(_ => { });
        if (token.Length > 0)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }
        else
        {
            // Without a token, only requests for this machine's own names: no web page can reach the API by DNS rebinding.
            app.UseHostFiltering();
            if (!new Uri(apiUrl).IsLoopback)
            {
                log.LogWarning("The API listens on {Url} without API_TOKEN: anyone who can reach it can submit and cancel jobs", apiUrl);
            }
        }

        // After the token: a client that may not read streams holds none of their permits.
        app.UseRateLimiter();

        if (node.Tls is null && !IsLoopback(node.BindHost))
        {
            log.LogWarning(
                "The cluster port listens on {Host}:{Port} without TLS_CERT: anyone who can reach it can join the cluster, take batches and report tallies",
                node.BindHost,
                node.Port);
        }

        app.MapHealth();
        app.MapMetrics();
        if (node.HasRole(ClusterConfig.SeedRole))
        {
            app.MapJobApi();
            app.MapClusterApi();
            app.MapDashboard();
        }
        else
        {
            app.MapNotASeed();
        }

        log.LogInformation(
            "PrimeCluster node with roles {Roles}; cluster transport {Protocol}{Tls}; API on {Url}",
            string.Join(", ", node.Roles),
            node.Protocol,
            node.Tls is null ? string.Empty : " (mutual TLS, peers checked against TLS_CA)",
            apiUrl);
        return app;
    }

    private static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
