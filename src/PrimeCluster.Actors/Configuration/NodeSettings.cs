namespace PrimeCluster.Actors.Configuration;

/// <summary>
/// What a node is told on top of cluster.hocon, by environment variables and flags of the same meaning.
/// A null setting keeps the value from the configuration file.
/// </summary>
public sealed record NodeSettings
{
    /// <summary>CLUSTER_CONFIG, --config: a HOCON file laid over the built-in cluster.hocon.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>CLUSTER_IP, --ip: the host name other nodes reach this node by.</summary>
    public string? PublicHost { get; init; }

    /// <summary>CLUSTER_BIND, --bind: the address to listen on; 0.0.0.0 when CLUSTER_IP is set, else 127.0.0.1.</summary>
    public string? BindHost { get; init; }

    /// <summary>CLUSTER_PORT, --port: 0 picks a free port.</summary>
    public string? Port { get; init; }

    /// <summary>CLUSTER_SEEDS, --seeds: comma-separated akka.tcp:// or akka.ssl.tcp://primecluster@host:port addresses.</summary>
    public string? Seeds { get; init; }

    /// <summary>CLUSTER_ROLES, --roles: comma-separated, seed and/or worker.</summary>
    public string? Roles { get; init; }

    /// <summary>WORKERS, --workers: worker actors on a worker node; 0 means one per core.</summary>
    public string? Workers { get; init; }

    /// <summary>API_URL, --api-url: where the job API and /healthz listen.</summary>
    public string? ApiUrl { get; init; }

    /// <summary>API_TOKEN, --api-token: the bearer token every API request must carry.</summary>
    public string? ApiToken { get; init; }

    /// <summary>TLS_CERT, --tls-cert: PEM file with this node's certificate, and its private key unless TLS_KEY is given; turns TLS on.</summary>
    public string? TlsCert { get; init; }

    /// <summary>TLS_KEY, --tls-key: PEM file with the private key of TLS_CERT.</summary>
    public string? TlsKey { get; init; }

    /// <summary>TLS_CA, --tls-ca: PEM certificate of the cluster's CA, which every node's certificate must be signed by.</summary>
    public string? TlsCa { get; init; }

    /// <summary>DATA_DIR, --data-dir: where a seed keeps its job journal on disk.</summary>
    public string? DataDir { get; init; }

    /// <summary>Settings from environment variables; flags given later win (see <see cref="Over"/>).</summary>
    public static NodeSettings FromEnvironment(Func<string, string?> variable) => new()
    {
        ConfigFile = Blank(variable("CLUSTER_CONFIG")),
        PublicHost = Blank(variable("CLUSTER_IP")),
        BindHost = Blank(variable("CLUSTER_BIND")),
        Port = Blank(variable("CLUSTER_PORT")),
        Seeds = Blank(variable("CLUSTER_SEEDS")),
        Roles = Blank(variable("CLUSTER_ROLES")),
        Workers = Blank(variable("WORKERS")),
        ApiUrl = Blank(variable("API_URL")),
        ApiToken = Blank(variable("API_TOKEN")),
        TlsCert = Blank(variable("TLS_CERT")),
        TlsKey = Blank(variable("TLS_KEY")),
        TlsCa = Blank(variable("TLS_CA")),
        DataDir = Blank(variable("DATA_DIR")),
    };

    /// <summary>These settings, with every setting <paramref name="lower"/> has and this one lacks.</summary>
    public NodeSettings Over(NodeSettings lower) => new()
    {
        ConfigFile = ConfigFile ?? lower.ConfigFile,
        PublicHost = PublicHost ?? lower.PublicHost,
        BindHost = BindHost ?? lower.BindHost,
        Port = Port ?? lower.Port,
        Seeds = Seeds ?? lower.Seeds,
        Roles = Roles ?? lower.Roles,
        Workers = Workers ?? lower.Workers,
        ApiUrl = ApiUrl ?? lower.ApiUrl,
        ApiToken = ApiToken ?? lower.ApiToken,
        TlsCert = TlsCert ?? lower.TlsCert,
        TlsKey = TlsKey ?? lower.TlsKey,
        TlsCa = TlsCa ?? lower.TlsCa,
        DataDir = DataDir ?? lower.DataDir,
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
