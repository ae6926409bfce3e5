using Akka.Configuration;
using Akka.Hosting;
using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Hosting;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Node.Api;

namespace PrimeCluster.Node;

/// <summary>A node: its actor system under Akka.Hosting, the job API on seeds, and /healthz on every node.</summary>
public static class NodeHost
{
    /// <param name="kernels">The workers' kernel for each algorithm; the real ones unless a test says otherwise.</param>
    public static WebApplication Build(Config config, Func<Algorithm, IPrimeKernel>? kernels = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var roles = config.GetStringList("akka.cluster.roles");
        var apiUrl = config.GetString("primecluster.api.url");
        var token = config.GetString("primecluster.api.token", string.Empty);

        var builder = WebApplication.CreateSlimBuilder();

        // API_URL alone says where the node listens, whatever ASPNETCORE_HTTP_PORTS a base image sets.
        builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, string.Empty);
        builder.WebHost.UseSetting(WebHostDefaults.HttpsPortsKey, string.Empty);
        builder.WebHost.UseUrls(apiUrl);
        builder.Logging.ClearProviders().AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddAkka(ClusterConfig.SystemName, akka => akka
            .AddPrimeCluster(config, kernels)
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLogger<AkkaLogForwarder>();
            }));
        builder.Services.AddSingleton(services => new CoordinatorClient(services.GetRequiredService<IRequiredActor<CoordinatorKey>>().ActorRef));
        if (token.Length == 0)
        {
            var publicHost = config.GetString("akka.remote.dot-netty.tcp.public-hostname", "localhost");
            builder.Services.Configure<Microsoft.AspNetCore.HostFiltering.HostFilteringOptions>(filter => filter.AllowedHosts = [.. ApiHosts.Allowed(new Uri(apiUrl), publicHost)]);
        }

        var app = builder.Build();
        app.UseMiddleware<ApiErrorMiddleware>();
        if (token.Length > 0)
        {
            app.UseMiddleware<BearerTokenMiddleware>(token);
        }
        else
        {
            // Without a token, only requests for this machine's own names: no web page can reach the API by DNS rebinding.
            app.UseHostFiltering();
            if (!new Uri(apiUrl).IsLoopback)
            {
                app.Logger.LogWarning("The API listens on {Url} without API_TOKEN: anyone who can reach it can submit and cancel jobs", apiUrl);
            }
        }

        app.MapHealth();
        if (roles.Contains(ClusterConfig.SeedRole))
        {
            app.MapJobApi();
            app.MapClusterApi();
        }

        app.Logger.LogInformation("PrimeCluster node with roles {Roles}; API on {Url}", string.Join(", ", roles), apiUrl);
        return app;
    }
}
