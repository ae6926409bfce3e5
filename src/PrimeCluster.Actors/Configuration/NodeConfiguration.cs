using Akka.Configuration;
using PrimeCluster.Actors.Security;

namespace PrimeCluster.Actors.Configuration;

/// <summary>
/// A node's configuration, checked: <see cref="Hocon"/> is cluster.hocon (or the file given) with the primecluster
/// settings laid over it, the base every node starts from; the rest is what the node computed from its settings,
/// which Akka.Hosting's options apply on top of that base.
/// </summary>
public sealed record NodeConfiguration
{
    public required Config Hocon { get; init; }

    /// <summary>The address the cluster port listens on.</summary>
    public required string BindHost { get; init; }

    /// <summary>The host name other nodes reach this one by.</summary>
    public required string PublicHost { get; init; }

    /// <summary>The cluster port; 0 picks a free one.</summary>
    public required int Port { get; init; }

    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>Seed addresses, in the scheme <see cref="Tls"/> implies.</summary>
    public required IReadOnlyList<string> Seeds { get; init; }

    /// <summary>The node's certificate and the cluster's CA; null when the cluster transport runs without TLS.</summary>
    public ClusterTls? Tls { get; init; }

    /// <summary>Where this seed keeps its job journal on disk; null on a worker, or a seed that keeps it in memory only.</summary>
    public string? DataDir { get; init; }

    /// <summary>The Akka protocol of this node's addresses: akka.ssl.tcp with TLS, akka.tcp without.</summary>
    public string Protocol => ClusterConfig.ProtocolFor(Tls is not null);

    public string ApiUrl => Hocon.GetString("primecluster.api.url");

    public string ApiToken => Hocon.GetString("primecluster.api.token", string.Empty);

    public bool HasRole(string role) => Roles.Contains(role);

    /// <summary>This configuration with <paramref name="overrides"/> laid over its HOCON base.</summary>
    public NodeConfiguration WithHocon(Config overrides) => this with { Hocon = overrides.WithFallback(Hocon) };
}

/// <summary>A node's API as its health probe reaches it: URL, bearer token, and over https the cluster's CA.</summary>
public sealed record ApiEndpoint(Uri Url, string Token, ClusterAuthority? Authority);
