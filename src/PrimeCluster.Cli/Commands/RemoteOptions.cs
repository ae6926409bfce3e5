using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PrimeCluster.Actors.Security;
using PrimeCluster.Cli.Client;
using PrimeCluster.Cli.Input;

namespace PrimeCluster.Cli.Commands;

/// <summary>What every command that talks to a running cluster takes: where the cluster is, and --json.</summary>
public sealed class RemoteOptions
{
    public const string UrlVariable = "PRIMECLUSTER_URL";
    public const string TokenVariable = "PRIMECLUSTER_TOKEN";
    public const string CaVariable = "PRIMECLUSTER_CA";
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public Option<string?> Cluster { get; } = new("--cluster", "-c")
    {
        Description = $"URL of a seed's job API (default ${UrlVariable}, else {DefaultUrl}); ${TokenVariable} is sent as a bearer token.",
        HelpName = "URL",
    };

    public Option<string?> Ca { get; } = new("--ca")
    {
        Description = $"For an https URL: the cluster's CA certificate (PEM, the ca.crt of 'primecluster-node certs'), which the API's certificate must be signed by (default ${CaVariable}).",
        HelpName = "FILE",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print JSON on stdout, with the keys of the HTTP API, instead of a table." };

    public void AddTo(Command command)
    {
        command.Options.Add(Cluster);
        command.Options.Add(Ca);
        command.Options.Add(Json);
    }

    public ClusterClient Connect(ParseResult parse, CliContext context)
    {
        var text = parse.GetValue(Cluster) ?? context.Environment(UrlVariable) ?? DefaultUrl;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--cluster must be an http:// or https:// URL, not '{text}'.");
        }

        var caFile = parse.GetValue(Ca) ?? context.Environment(CaVariable);
        var authority = caFile is null || url.Scheme != Uri.UriSchemeHttps ? null : ReadAuthority(caFile);
        return new ClusterClient(url, context.Environment(TokenVariable), authority: authority, authorityFile: caFile);
    }

    private static ClusterAuthority ReadAuthority(string path)
    {
        try
        {
            return new ClusterAuthority(X509Certificate2.CreateFromPem(File.ReadAllText(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new UsageException($"--ca: cannot read '{path}': {e.Message}");
        }
        catch (CryptographicException)
        {
            throw new UsageException($"--ca: '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }
    }
}
