using System.CommandLine;
using PrimeCluster.Cli.Client;
using PrimeCluster.Cli.Input;

namespace PrimeCluster.Cli.Commands;

/// <summary>The ID argument of commands about one job.</summary>
internal sealed class JobIdArgument
{
    public Argument<string> Id { get; } = new("ID") { Description = "The job's id, as submit printed it." };

    public string Read(ParseResult parse)
    {
        var id = parse.GetValue(Id);
        return string.IsNullOrWhiteSpace(id) ? throw new UsageException("ID must not be empty.") : id.Trim();
    }

    public static UsageException Unknown(string id, ClusterClient client) => new($"ID: there is no job '{id}' on {client.Url}.");
}
