using System.CommandLine;
using PrimeCluster.Cli.Client;
using PrimeCluster.Cli.Input;

namespace PrimeCluster.Cli.Commands;

/// <summary>What every command that talks to a running cluster takes: where the cluster is, and --json.</summary>
public sealed class RemoteOptions
{
    public const string UrlVariable = "PRIMECLUSTER_URL";
    public const string TokenVariable = "PRIMECLUSTER_TOKEN";
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public Option<string?> Cluster { get; } = new("--cluster", "-c")
    {
        Description = $"URL of a seed's job API (default ${UrlVariable}, else {DefaultUrl}); ${TokenVariable} is sent as a bearer token.",
        HelpName = "URL",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print JSON on stdout, with the keys of the HTTP API, instead of a table." };

    public void AddTo(Command command)
    {
        command.Options.Add(Cluster);
        command.Options.Add(Json);
    }

    public ClusterClient Connect(ParseResult parse, CliContext context)
    {
        var text = parse.GetValue(Cluster) ?? context.Environment(UrlVariable) ?? DefaultUrl;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--cluster must be an http:// or https:// URL, not '{text}'.");
        }

        return new ClusterClient(url, context.Environment(TokenVariable));
    }
}
