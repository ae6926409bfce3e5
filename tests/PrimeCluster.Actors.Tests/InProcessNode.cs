using Akka.Actor;
using Akka.Configuration;
using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Hosting;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Actors.Tests;

/// <summary>A whole node in this test process: its own actor system on a free loopback port.</summary>
internal sealed class InProcessNode : IAsyncDisposable
{
    private InProcessNode(ActorSystem system, PrimeClusterNode actors)
    {
        System = system;
        Actors = actors;
        Client = new CoordinatorClient(actors.Coordinator, TimeSpan.FromSeconds(5));
    }

    public ActorSystem System { get; }

    public PrimeClusterNode Actors { get; }

    public CoordinatorClient Client { get; }

    public Address Address => ((ExtendedActorSystem)System).Provider.DefaultAddress;

    /// <param name="kernels">The workers' kernels, when not the real ones.</param>
    public static InProcessNode Start(string roles, int workers = 1, InProcessNode? seed = null, Config? extra = null, Func<Algorithm, IPrimeKernel>? kernels = null)
    {
        var config = TestConfig.Node(roles, workers, seed?.Address.ToString());
        return Start(extra is null ? config : extra.WithFallback(config), kernels);
    }

    public static InProcessNode Start(Config config, Func<Algorithm, IPrimeKernel>? kernels = null)
    {
        var system = ActorSystem.Create(ClusterConfig.SystemName, config);
        return new InProcessNode(system, PrimeClusterNode.Start(system, kernels));
    }

    /// <summary>Stops the node without leaving the cluster, as if its process were killed.</summary>
    public static Config Abrupt { get; } = ConfigurationFactory.ParseString("akka.coordinated-shutdown.run-by-actor-system-terminate = off");

    public async ValueTask DisposeAsync()
    {
        if (!System.WhenTerminated.IsCompleted)
        {
            await System.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }
}
