using System.CommandLine;
using PrimeCluster.Cli.Cluster;
using PrimeCluster.Cli.Input;
using PrimeCluster.Cli.Output;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Cli.Commands;

/// <summary>
/// <c>primecluster run FROM TIL</c>: counts a range on this machine, on every core by default, through a one-node
/// cluster started in this process.
/// </summary>
public static class RunCommand
{
    public const int MaxWorkers = 1024;

    public static Command Create(CliContext context, RemoteOptions remote)
    {
        var job = new JobOptions();
        var workers = new Option<string?>("--workers", "-w")
        {
            Description = $"Worker threads (default: one per core, {Environment.ProcessorCount} here).",
            HelpName = "N",
        };

        var yes = new Option<bool>("--yes", "-y") { Description = "Run a trial job estimated to take over an hour without asking." };
        var command = new Command("run", "Count primes in [FROM, TIL] on this machine, through a one-node cluster, and print the result table.");
        job.AddTo(command);
        command.Options.Add(workers);
        command.Options.Add(yes);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (remote.GivenFor(parse) is { } option)
            {
                throw new UsageException($"{option} is for commands that talk to a cluster; run counts on this machine (submit sends the job to a cluster).");
            }

            var spec = job.Read(parse);
            await JobOptions.NoteBatchesAsync(spec, context.Error).ConfigureAwait(false);
            var workersText = parse.GetValue(workers);
            var workerCount = workersText is null ? Environment.ProcessorCount : (int)InputParser.Count("--workers", workersText, MaxWorkers);
            if (!await CostGuard.ConfirmAsync(spec, workerCount, parse.GetValue(yes), context).ConfigureAwait(false))
            {
                await context.Error.WriteLineAsync("primecluster: not run.").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            var json = parse.GetValue(job.Json);
            using var view = ProgressView.For(context, json);
            ResultReport report;
            try
            {
                await using var cluster = await context.StartCluster(workerCount, cancellationToken).ConfigureAwait(false);
                if (EmbeddedCluster.WarmsUpFor(spec))
                {
                    await cluster.WarmUpAsync(cancellationToken).ConfigureAwait(false);
                }

                var outcome = view is null
                    ? await cluster.Runner.RunAsync(spec, progress: null, cancellationToken).ConfigureAwait(false)
                    : await cluster.Runner.RunWatchingAsync(spec, view.Show, cancellationToken).ConfigureAwait(false);
                view?.Clear();
                report = ResultReport.Of(outcome);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                view?.Clear();
                await context.Error.WriteLineAsync("primecluster: run interrupted; nothing was counted to the end.").ConfigureAwait(false);
                return ExitCodes.Interrupted;
            }
            finally
            {
                // Whatever else ends the run, its message starts on a line of its own.
                view?.End();
            }

            if (json)
            {
                report.WriteJson(context.Out);
            }
            else
            {
                report.WriteTable(context.Out);
            }

            return ExitCodes.Done;
        });

        return command;
    }
}
