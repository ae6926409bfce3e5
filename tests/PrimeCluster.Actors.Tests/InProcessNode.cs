using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Hosting;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Actors.Tests;

/// <summary>A whole node in this test process, started as every node is (<see cref="ClusterNodeHost"/>), on a free loopback port.</summary>
internal sealed class InProcessNode : IAsyncDisposable
{
    private readonly ClusterNodeHost _host;

    private InProcessNode(ClusterNodeHost host)
    {
        _host = host;
        Client = new CoordinatorClient(host.Coordinator, TimeSpan.FromSeconds(5));
    }

    public ActorSystem System => _host.System;

    public IActorRef Coordinator => _host.Coordinator;

    public CoordinatorClient Client { get; }

    public Address Address => ((ExtendedActorSystem)System).Provider.DefaultAddress;

    /// <summary>Stops the node without leaving the cluster, as if its process were killed.</summary>
    public static Config Abrupt { get; } = ConfigurationFactory.ParseString("akka.coordinated-shutdown.run-by-actor-system-terminate = off");

    /// <param name="kernels">The workers' kernels, when not the real ones.</param>
    public static InProcessNode Start(string roles, int workers = 1, InProcessNode? seed = null, Config? extra = null, Func<Algorithm, IPrimeKernel>? kernels = null) =>
        Start(TestConfig.NodeConfiguration(roles, workers, seed?.Address.ToString()), extra, kernels);

    /// <summary>
    /// A node of <paramref name="node"/>'s configuration; <paramref name="overrides"/> win over everything in it: over
    /// the settings the node reads (primecluster.*), and over what Akka.Hosting's options set.
    /// </summary>
    public static InProcessNode Start(NodeConfiguration node, Config? overrides = null, Func<Algorithm, IPrimeKernel>? kernels = null) =>
        new(ClusterNodeHost.StartAsync(
                overrides is null ? node : node.WithHocon(overrides),
                akka =>
                {
                    if (overrides is not null)
                    {
                        akka.AddHocon(overrides, HoconAddMode.Prepend);
                    }
                },
                kernels)
            .WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult());

    public async ValueTask DisposeAsync()
    {
        if (!System.WhenTerminated.IsCompleted)
        {
            await System.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
        }

        await _host.DisposeAsync();
    }
}
