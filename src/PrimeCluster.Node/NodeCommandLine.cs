using System.CommandLine;
using PrimeCluster.Actors.Configuration;

namespace PrimeCluster.Node;

/// <summary>The node's flags: each overrides the environment variable of the same meaning.</summary>
internal static class NodeCommandLine
{
    private static readonly (string Flag, string Variable, string Description, Func<NodeSettings, string?, NodeSettings> Set)[] Flags =
    [
        ("--ip", "CLUSTER_IP", "Host name other nodes reach this node by.", (s, v) => s with { PublicHost = v }),
        ("--bind", "CLUSTER_BIND", "Address to listen on (default 0.0.0.0 with --ip, else 127.0.0.1).", (s, v) => s with { BindHost = v }),
        ("--port", "CLUSTER_PORT", "Cluster port (default 4053; 0 picks a free one).", (s, v) => s with { Port = v }),
        ("--seeds", "CLUSTER_SEEDS", "Seed addresses, comma-separated: akka.tcp://primecluster@host:port (akka.ssl.tcp:// alike).", (s, v) => s with { Seeds = v }),
        ("--roles", "CLUSTER_ROLES", "Roles, comma-separated: seed, worker (default both).", (s, v) => s with { Roles = v }),
        ("--workers", "WORKERS", "Worker actors on a worker node (default one per core).", (s, v) => s with { Workers = v }),
        ("--api-url", "API_URL", "Where the job API and /healthz listen (default http://127.0.0.1:8080).", (s, v) => s with { ApiUrl = v }),
        ("--api-token", "API_TOKEN", "Bearer token every API request must carry.", (s, v) => s with { ApiToken = v }),
        ("--tls-cert", "TLS_CERT", "PEM file with this node's certificate, and its key unless --tls-key is given; turns on mutual TLS on the cluster port.", (s, v) => s with { TlsCert = v }),
        ("--tls-key", "TLS_KEY", "PEM file with the private key of --tls-cert.", (s, v) => s with { TlsKey = v }),
        ("--tls-ca", "TLS_CA", "PEM certificate of the cluster's CA; required with --tls-cert.", (s, v) => s with { TlsCa = v }),
        ("--data-dir", "DATA_DIR", "Where a seed keeps its job journal (default: a directory per cluster port under ~/.local/share/primecluster; none: in memory only).", (s, v) => s with { DataDir = v }),
        ("--config", "CLUSTER_CONFIG", "A HOCON file laid over the built-in cluster.hocon.", (s, v) => s with { ConfigFile = v }),
    ];

    /// <summary>
    /// The settings from flags over the environment, or an exit code when the node should not start:
    /// 0 after --help, 2 after bad usage (with one line on stderr), that of <c>certs</c> after it ran.
    /// <c>HealthCheck</c> asks for a probe of a running node.
    /// </summary>
    public static (NodeSettings? Settings, bool HealthCheck, int ExitCode) Parse(string[] args, Func<string, string?> environment, TextWriter output, TextWriter error)
    {
        var options = Flags.Select(f => (f.Set, Option: new Option<string?>(f.Flag) { Description = $"{f.Description} [{f.Variable}]", HelpName = "value" })).ToList();
        var healthCheck = new Option<bool>("--healthcheck")
        {
            Description = "Do not start: ask the node these settings describe for /healthz, and exit 0 when it is up (for container health checks).",
        };
        var root = new RootCommand("A PrimeCluster node: a seed (coordinator and job API), a worker, or both.");
        foreach (var (_, option) in options)
        {
            root.Options.Add(option);
        }

        root.Options.Add(healthCheck);
        root.Subcommands.Add(CertsCommand.Create(output, error));
        NodeSettings? settings = null;
        var probe = false;
        root.SetAction(parse =>
        {
            var flags = options.Aggregate(new NodeSettings(), (s, o) => o.Set(s, parse.GetValue(o.Option)));
            settings = flags.Over(NodeSettings.FromEnvironment(environment));
            probe = parse.GetValue(healthCheck);
            return 0;
        });

        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            var help = result.CommandResult.Command is RootCommand ? "primecluster-node --help" : $"primecluster-node {result.CommandResult.Command.Name} --help";
            error.WriteLine($"primecluster-node: {result.Errors[0].Message} See '{help}'.");
            return (null, false, 2);
        }

        var exitCode = result.Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (settings, probe, exitCode);
    }
}
