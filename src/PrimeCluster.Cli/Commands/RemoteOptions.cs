using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PrimeCluster.Actors.Security;
using PrimeCluster.Cli.Client;
using PrimeCluster.Cli.Input;
using PrimeCluster.Cli.Output;

namespace PrimeCluster.Cli.Commands;

/// <summary>
/// What every command that talks to a running cluster takes: where the cluster is, and --json. One instance serves
/// every command, and the root takes --cluster and --ca too, so that they may come before the command.
/// </summary>
public sealed class RemoteOptions
{
    public const string UrlVariable = "PRIMECLUSTER_URL";
    public const string TokenVariable = "PRIMECLUSTER_TOKEN";
    public const string CaVariable = "PRIMECLUSTER_CA";
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public Option<string?> Cluster { get; } = new("--cluster", "-c")
    {
        Description = $"URL of a seed's job API, HOST:PORT for http, or a PORT on this machine (default ${UrlVariable}, else {DefaultUrl}); ${TokenVariable} is sent as a bearer token.",
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

    /// <summary>--cluster and --ca before the command: <c>primecluster --cluster URL status</c>.</summary>
    public void AddGlobalTo(RootCommand root)
    {
        root.Options.Add(Cluster);
        root.Options.Add(Ca);
    }

    /// <summary>The first of --cluster and --ca given, for a command that talks to no cluster to refuse.</summary>
    public string? GivenFor(ParseResult parse) =>
        new Option[] { Cluster, Ca }.FirstOrDefault(option => parse.GetResult(option) is not null)?.Name;

    /// <summary>
    /// The commands to print for what the user may do next about a job, pointed at the same cluster: with the --cluster
    /// and --ca given to this command, if any (from the environment, or by default, they need no repeating).
    /// </summary>
    public NextCommands Next(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var options = string.Concat(
            parse.GetValue(Cluster) is { } cluster ? $" --cluster {ShellWord.Quote(cluster)}" : string.Empty,
            parse.GetValue(Ca) is { } ca ? $" --ca {ShellWord.Quote(ca)}" : string.Empty);
        return new NextCommands(options);
    }

    public ClusterClient Connect(ParseResult parse, CliContext context)
    {
        var url = ClusterUrl(parse.GetValue(Cluster) ?? context.Environment(UrlVariable) ?? DefaultUrl);
        var caFile = parse.GetValue(Ca) ?? context.Environment(CaVariable);
        var authority = caFile is null || url.Scheme != Uri.UriSchemeHttps ? null : ReadAuthority(caFile);
        return new ClusterClient(url, context.Environment(TokenVariable), authority: authority, authorityFile: caFile) { Notices = context.Error };
    }

    /// <summary>
    /// A seed's API: an http:// or https:// URL; HOST:PORT, as a seed's address is often written, for http; a bare PORT
    /// for http on this machine (127.0.0.1).
    /// </summary>
    public static Uri ClusterUrl(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length > 0 && trimmed.All(char.IsAsciiDigit))
        {
            return int.TryParse(trimmed, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= ushort.MaxValue
                ? new Uri($"http://127.0.0.1:{port}/")
                : throw new UsageException($"--cluster {trimmed}: a port must be from 1 to 65535.");
        }

        var withScheme = trimmed.Contains("://", StringComparison.Ordinal) ? trimmed : $"http://{trimmed}";
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--cluster must be an http:// or https:// URL, HOST:PORT, or a port on this machine, not '{text}'.");
        }

        return url;
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
