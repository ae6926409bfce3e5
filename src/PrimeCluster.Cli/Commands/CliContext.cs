using PrimeCluster.Cli.Cluster;

namespace PrimeCluster.Cli.Commands;

/// <summary>What commands write to, and how they start an embedded cluster; tests substitute the writers.</summary>
public sealed record CliContext(TextWriter Out, TextWriter Error, Func<int, CancellationToken, Task<EmbeddedCluster>> StartCluster)
{
    public static CliContext ForConsole() => new(Console.Out, Console.Error, EmbeddedCluster.StartAsync);
}
