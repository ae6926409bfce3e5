using PrimeCluster.Cli.Commands;

namespace PrimeCluster.Cli.Tests;

/// <summary>One invocation of the command line in this process, with what it wrote.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static async Task<CliRun> InvokeAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = CliContext.ForConsole() with { Out = output, Error = error };
        var exitCode = await CliApp.RunAsync(args, context);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }
}
