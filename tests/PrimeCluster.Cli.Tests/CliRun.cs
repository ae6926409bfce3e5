using PrimeCluster.Cli.Commands;

namespace PrimeCluster.Cli.Tests;

/// <summary>One invocation of the command line in this process, with what it wrote.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static Task<CliRun> InvokeAsync(params string[] args) => InvokeAsync(new Dictionary<string, string>(), args);

    public static Task<CliRun> InvokeAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        InvokeAsync(environment, input: null, CancellationToken.None, args);

    /// <param name="input">What a user types at a terminal; null for no terminal.</param>
    public static async Task<CliRun> InvokeAsync(IReadOnlyDictionary<string, string> environment, string? input, CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = CliContext.ForConsole() with
        {
            Out = output,
            Error = error,
            In = new StringReader(input ?? string.Empty),
            InputIsTerminal = input is not null,
            ErrorIsTerminal = false,
            Environment = environment.GetValueOrDefault,
        };
        var exitCode = await CliApp.RunAsync(args, context, cancellationToken);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }
}
