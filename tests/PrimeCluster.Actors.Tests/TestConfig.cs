using Akka.Configuration;
using PrimeCluster.Actors.Configuration;

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
        """);

    /// <summary>
    /// For actor specs in one system: every message goes through serialization as if it crossed nodes, so that the
    /// specs exercise the wire format. (Cluster systems cannot: Akka's own cluster events do not survive that.)
    /// </summary>
    public static Config SerializeEverything(Config config) =>
        ConfigurationFactory.ParseString("akka.actor.serialize-messages = on").WithFallback(config);

    /// <summary>A node on 127.0.0.1 at a free port, with these roles; a seed with no seeds given forms its own cluster.</summary>
    public static Config Node(string roles, int workers = 1, string? seeds = null) =>
        Quick.WithFallback(ClusterConfig.Build(new NodeSettings
        {
            BindHost = "127.0.0.1",
            PublicHost = "127.0.0.1",
            Port = "0",
            Roles = roles,
            Workers = workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Seeds = seeds ?? string.Empty,
        }));
}
