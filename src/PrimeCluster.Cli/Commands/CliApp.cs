using System.CommandLine;
using PrimeCluster.Cli.Input;

namespace PrimeCluster.Cli.Commands;

/// <summary>The <c>primecluster</c> command line: parses, dispatches, and turns bad usage into one line and exit code 2.</summary>
public static class CliApp
{
    public static RootCommand CreateRoot(CliContext context)
    {
        var root = new RootCommand("PrimeCluster: the article's prime counter, exact for any 64-bit range, on every core and every node.");
        root.Subcommands.Add(RunCommand.Create(context));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var parse = CreateRoot(context).Parse(args);
        if (parse.Errors.Count > 0)
        {
            var command = parse.CommandResult.Command;
            var helpHint = command is RootCommand ? "primecluster --help" : $"primecluster {command.Name} --help";
            // An unknown word says more than the missing command it displaced.
            var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            await context.Error.WriteLineAsync($"primecluster: {error.Message} See '{helpHint}'.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            var configuration = new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Error,
                EnableDefaultExceptionHandler = false,
            };
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            await context.Error.WriteLineAsync($"primecluster: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
    }
}
