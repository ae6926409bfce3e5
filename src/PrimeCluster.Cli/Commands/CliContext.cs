using PrimeCluster.Core.Execution;

namespace PrimeCluster.Cli.Commands;

/// <summary>What commands write to and what they run jobs on; tests substitute both.</summary>
public sealed record CliContext(TextWriter Out, TextWriter Error, Func<int, IJobRunner> LocalRunner)
{
    public static CliContext ForConsole() => new(Console.Out, Console.Error, workers => new LocalJobRunner(workers));
}
