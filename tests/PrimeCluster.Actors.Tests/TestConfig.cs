using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Serialization;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Actors.Serialization;

namespace PrimeCluster.Actors.Tests;

/// <summary>Configurations for actor systems in tests: loopback, free ports, and quick timers.</summary>
internal static class TestConfig
{
    /// <summary>
    /// Downing in seconds rather than the production defaults; the failure detector still allows 3 s of silence, since
    /// other tests may keep both cores busy meanwhile.
    /// </summary>
    public static readonly Config Quick = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.cluster.failure-detector.heartbeat-interval = 500ms
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 3s
        akka.cluster.split-brain-resolver.stable-after = 2s
        akka.cluster.down-removal-margin = 1s
        akka.cluster.gossip-interval = 250ms
        akka.cluster.leader-actions-interval = 250ms
        akka.cluster.unreachable-nodes-reaper-interval = 250ms
        akka.remote.dot-netty.tcp.batching.enabled = false
        primecluster.worker.idle-poll = 300ms
        primecluster.jobs.progress-interval = 50ms
        primecluster.jobs.checkpoint-interval = 50ms
        """);

    /// <summary>A node on 127.0.0.1 at a free port, with these roles; a seed with no seeds given forms its own cluster.</summary>
    public static NodeConfiguration NodeConfiguration(string roles, int workers = 1, string? seeds = null, NodeSettings? more = null) =>
        ClusterConfig.Build(new NodeSettings
        {
            BindHost = "127.0.0.1",
            PublicHost = "127.0.0.1",
            Port = "0",
            Roles = roles,
            Workers = workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Seeds = seeds ?? string.Empty,
        }.Over(more ?? new NodeSettings())).WithHocon(Quick);

    /// <summary>
    /// For actor specs in one system (no node around them): a node's configuration and PrimeCluster's serializer, bound
    /// as nodes bind it (<see cref="Hosting.AkkaConfiguration.WithProtocolSerializer"/>).
    /// </summary>
    public static ActorSystemSetup Node(string roles, int workers = 1, string? seeds = null)
    {
        var node = NodeConfiguration(roles, workers, seeds);
        var config = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }").WithFallback(node.Hocon);
        return BootstrapSetup.Create()
            .WithConfig(config)
            .WithActorRefProvider(ProviderSelection.Cluster.Instance)
            .And(SerializationSetup.Create(system => [SerializerDetails.Create(ProtocolSerializer.Alias, new ProtocolSerializer(system), [typeof(IClusterMessage)])]));
    }

    /// <summary>
    /// For actor specs in one system: every message goes through serialization as if it crossed nodes, so that the
    /// specs exercise the wire format. (Cluster systems cannot: Akka's own cluster events do not survive that.)
    /// </summary>
    public static ActorSystemSetup SerializeEverything(ActorSystemSetup setup)
    {
        var bootstrap = setup.Get<BootstrapSetup>().Value;
        return setup.WithSetup(bootstrap.WithConfig(ConfigurationFactory.ParseString("akka.actor.serialize-messages = on").WithFallback(bootstrap.Config.Value)));
    }
}
