using Akka.Configuration;
using Akka.Hosting;

namespace PrimeCluster.Actors.Hosting;

/// <summary>The coordinator proxy, as registered with Akka.Hosting's actor registry.</summary>
public sealed class CoordinatorKey;

public static class AkkaConfiguration
{
    /// <summary>Runs a PrimeCluster node in an Akka.Hosting actor system, configured by <paramref name="config"/>.</summary>
    public static AkkaConfigurationBuilder AddPrimeCluster(this AkkaConfigurationBuilder builder, Config config)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddHocon(config, HoconAddMode.Prepend)
            .WithActors((system, registry) =>
            {
                var node = PrimeClusterNode.Start(system);
                registry.Register<CoordinatorKey>(node.Coordinator);
            });
    }
}
