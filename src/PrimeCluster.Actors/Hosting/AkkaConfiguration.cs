using Akka.Configuration;
using Akka.Hosting;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Actors.Hosting;

/// <summary>The coordinator proxy, as registered with Akka.Hosting's actor registry.</summary>
public sealed class CoordinatorKey;

public static class AkkaConfiguration
{
    /// <summary>Runs a PrimeCluster node in an Akka.Hosting actor system, configured by <paramref name="config"/>.</summary>
    /// <param name="kernels">The workers' kernel for each algorithm; <see cref="PrimeKernels.For"/> unless a test says otherwise.</param>
    public static AkkaConfigurationBuilder AddPrimeCluster(this AkkaConfigurationBuilder builder, Config config, Func<Algorithm, IPrimeKernel>? kernels = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddHocon(config, HoconAddMode.Prepend)
            .WithActors((system, registry) =>
            {
                var node = PrimeClusterNode.Start(system, kernels);
                registry.Register<CoordinatorKey>(node.Coordinator);
            });
    }
}
