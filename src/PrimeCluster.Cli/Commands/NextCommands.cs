using PrimeCluster.Cli.Output;

namespace PrimeCluster.Cli.Commands;

/// <summary>Commands about a job, as printed for the user to run next: with the options that point them at its cluster.</summary>
public sealed record NextCommands(string Options)
{
    public string Watch(string id) => $"primecluster watch {ShellWord.Quote(id)}{Options}";

    public string Cancel(string id) => $"primecluster cancel {ShellWord.Quote(id)}{Options}";
}
