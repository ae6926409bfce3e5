using PrimeCluster.Cli.Cluster;

namespace PrimeCluster.Cli.Commands;

/// <summary>What commands read and write, what they may know of the terminal, and how they start an embedded cluster.</summary>
public sealed record CliContext(TextWriter Out, TextWriter Error, Func<int, CancellationToken, Task<EmbeddedCluster>> StartCluster)
{
    public TextReader In { get; init; } = TextReader.Null;

    /// <summary>Progress may redraw one line, with colour, on stderr.</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>Someone can answer a question on stdin.</summary>
    public bool InputIsTerminal { get; init; }

    public Func<string, string?> Environment { get; init; } = _ => null;

    public static CliContext ForConsole()
    {
        var noColor = !string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("NO_COLOR"))
            || System.Environment.GetEnvironmentVariable("TERM") == "dumb";
        return new CliContext(Console.Out, Console.Error, EmbeddedCluster.StartAsync)
        {
            In = Console.In,
            ErrorIsTerminal = !Console.IsErrorRedirected && !noColor,
            InputIsTerminal = !Console.IsInputRedirected && !Console.IsErrorRedirected,
            Environment = System.Environment.GetEnvironmentVariable,
        };
    }
}
