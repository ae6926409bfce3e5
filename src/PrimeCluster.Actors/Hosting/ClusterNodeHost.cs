using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Logging;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Actors.Hosting;

/// <summary>
/// A node without the HTTP API, in a generic host of its own with nothing else in it: the embedded cluster of
/// <c>primecluster run</c>, and nodes in tests. Started through <see cref="AkkaConfiguration.AddPrimeCluster"/>, like
/// every node.
/// </summary>
public sealed class ClusterNodeHost : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterNodeHost(IHost host)
    {
        _host = host;
        System = host.Services.GetRequiredService<ActorSystem>();
        Coordinator = ActorRegistry.For(System).Get<CoordinatorKey>();
    }

    public ActorSystem System { get; }

    /// <summary>The coordinator, wherever it runs, through this node's singleton proxy.</summary>
    public IActorRef Coordinator { get; }

    /// <summary>
    /// Starts the node, its log on stderr at the level <c>akka.loglevel</c> sets; <paramref name="configure"/> goes last,
    /// so that what it adds (HOCON for a test) wins over the rest.
    /// </summary>
    /// <param name="kernels">The workers' kernel for each algorithm; the real ones unless a test says otherwise.</param>
    public static async Task<ClusterNodeHost> StartAsync(NodeConfiguration node, Action<AkkaConfigurationBuilder>? configure = null, Func<Algorithm, IPrimeKernel>? kernels = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddPrimeClusterConsole(NodeLogging.HostLevel(node.Hocon), standardError: true);
        builder.Services.AddAkka(ClusterConfig.SystemName, akka =>
        {
            akka.AddPrimeCluster(node, kernels).WithFallbackLogger<StandardErrorLogger>();
            configure?.Invoke(akka);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            return new ClusterNodeHost(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stops the node the way its configuration says an actor system ends: leaving the cluster first unless
    /// <c>akka.coordinated-shutdown.run-by-actor-system-terminate</c> is off.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!System.WhenTerminated.IsCompleted)
        {
            await System.Terminate().ConfigureAwait(false);
        }

        _host.Dispose();
    }
}
