using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using PrimeCluster.Cli.Client;
using PrimeCluster.Cli.Input;

namespace PrimeCluster.Cli.Commands;

/// <summary>The <c>primecluster</c> command line: parses, dispatches, and turns bad usage into one line and exit code 2.</summary>
public static class CliApp
{
    public static RootCommand CreateRoot(CliContext context)
    {
        var root = new RootCommand("PrimeCluster: counts primes, and the checks trial division makes, exactly for any 64-bit range, on every core and every node.");
        var remote = new RemoteOptions();
        remote.AddGlobalTo(root);
        root.Subcommands.Add(RunCommand.Create(context, remote));
        root.Subcommands.Add(SubmitCommand.Create(context, remote));
        root.Subcommands.Add(WatchCommand.Create(context, remote));
        root.Subcommands.Add(JobsCommand.Create(context, remote));
        root.Subcommands.Add(CancelCommand.Create(context, remote));
        root.Subcommands.Add(StatusCommand.Create(context, remote));
        root.Subcommands.Add(BenchCommand.Create(context, remote));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var parse = CreateRoot(context).Parse(args);
        if (parse.Errors.Count > 0)
        {
            await context.Error.WriteLineAsync($"primecluster: {ParseErrorLine(parse)}").ConfigureAwait(false);
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
        catch (OperationCanceledException)
        {
            // Ctrl+C where the command has no word of its own for it (a question, a request under way): the same exit code.
            await context.Error.WriteLineAsync("primecluster: interrupted.").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        catch (ClusterCertificateException e)
        {
            var hint = e.Untrusted ? $"; pass the cluster's CA certificate with --ca FILE (or ${RemoteOptions.CaVariable})" : string.Empty;
            await context.Error.WriteLineAsync($"primecluster: {e.Message}{hint}.").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (ClusterUnreachableException e)
        {
            await context.Error.WriteLineAsync(
                $"primecluster: {e.Message}. Start a node with 'dotnet run --project src/PrimeCluster.Node' (or 'docker compose -f docker/docker-compose.yml up -d'), "
                + $"or point --cluster (or ${RemoteOptions.UrlVariable}) at a seed's API.").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (NotASeedException e)
        {
            await context.Error.WriteLineAsync($"primecluster: {e.Message}; point --cluster (or ${RemoteOptions.UrlVariable}) at a seed's API.").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (ClusterRefusedException e) when (e.Status == HttpStatusCode.Unauthorized)
        {
            await context.Error.WriteLineAsync($"primecluster: {e.Url} refused the request: set ${RemoteOptions.TokenVariable} to the cluster's API_TOKEN.").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (ClusterRefusedException e) when (e.Status == HttpStatusCode.BadRequest)
        {
            await context.Error.WriteLineAsync($"primecluster: {(e.Error?.Field is { } field ? $"{field}: " : string.Empty)}{e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (ClusterRefusedException e) when (e.Status == HttpStatusCode.MisdirectedRequest && e.Error is not null)
        {
            await context.Error.WriteLineAsync($"primecluster: {e.Url} is a worker node's API, which serves no jobs; point --cluster (or ${RemoteOptions.UrlVariable}) at a seed's API.").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (ClusterRefusedException e) when (e.Status == HttpStatusCode.NotFound && e.Error is null)
        {
            await context.Error.WriteLineAsync($"primecluster: {e.Url} answered 404: no PrimeCluster job API there; point --cluster (or ${RemoteOptions.UrlVariable}) at a seed's API.").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (ClusterRefusedException e)
        {
            var said = e.Error is null ? string.Empty : $": {e.Error.Error}";
            await context.Error.WriteLineAsync($"primecluster: {e.Url} answered {(int)e.Status} {e.Status}{said}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }

    /// <summary>The one parse error worth telling, in the words of the argument it is about, with the name a slip was likely of.</summary>
    private static string ParseErrorLine(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var name = command is RootCommand ? "primecluster" : $"primecluster {command.Name}";
        var help = $"See '{name} --help'.";

        // A word written as an option that is none: the parser takes it for an argument, whose complaint would mislead.
        if (parse.Tokens.FirstOrDefault(t => t.Type == TokenType.Argument && LooksLikeOption(t.Value)) is { } stray)
        {
            var options = command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name));
            return $"unknown option '{stray.Value}'.{Suggestion.DidYouMean(stray.Value, options)} {help}";
        }

        // An unknown word says more than the missing command or argument it displaced.
        var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
        return error.SymbolResult switch
        {
            ArgumentResult { Tokens.Count: 0 } missing => $"{missing.Argument.Name} is required: {name} {string.Join(' ', command.Arguments.Select(a => a.Name))}.",

            // The arguments' own parsers name the argument and say what is wrong with it.
            ArgumentResult => error.Message,
            _ when command.Subcommands.Count > 0 && parse.UnmatchedTokens.FirstOrDefault() is { } word =>
                $"{error.Message}{Suggestion.DidYouMean(word, command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name)))} {help}",
            _ => $"{error.Message} {help}",
        };
    }

    /// <summary>-x or --word, but not a negative number, which the number arguments refuse in words of their own.</summary>
    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-' && !double.TryParse(token, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
}
