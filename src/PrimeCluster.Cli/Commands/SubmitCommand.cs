using System.CommandLine;
using PrimeCluster.Cli.Output;
using PrimeCluster.Contracts;
using PrimeCluster.Core;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Cli.Commands;

/// <summary><c>primecluster submit FROM TIL</c>: runs a job on a cluster and follows it, or leaves it running with --detach.</summary>
public static class SubmitCommand
{
    public static Command Create(CliContext context)
    {
        var job = new JobOptions();
        var remote = new RemoteOptions();
        var detach = new Option<bool>("--detach", "-d") { Description = "Print the job's id and return at once; the job keeps running." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Run a trial job estimated to take over an hour without asking." };
        var command = new Command("submit", "Submit a job to a running cluster and follow it to its result.");
        job.AddArguments(command);
        remote.AddTo(command);
        command.Options.Add(detach);
        command.Options.Add(yes);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var spec = job.Read(parse, "submit");
            var json = parse.GetValue(remote.Json);
            using var client = remote.Connect(parse, context);
            if (!await CostGuard.ConfirmAsync(spec, () => RecentThroughputAsync(client, cancellationToken), parse.GetValue(yes), context).ConfigureAwait(false))
            {
                await context.Error.WriteLineAsync("primecluster: not submitted.").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            var request = new JobRequest(spec.Range.From, spec.Range.Til, Names.Of(spec.Algorithm), Names.Of(spec.Split), spec.Batches);
            var submitted = await client.SubmitAsync(request, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(detach))
            {
                await context.Out.WriteLineAsync(json ? System.Text.Json.JsonSerializer.Serialize(submitted, ApiJson.Options) : submitted.Id).ConfigureAwait(false);
                await context.Error.WriteLineAsync($"primecluster: job {submitted.Id} submitted; follow it with: primecluster watch {submitted.Id}").ConfigureAwait(false);
                return ExitCodes.Done;
            }

            var view = new ProgressView(context.Error, context.ErrorIsTerminal);
            try
            {
                var finished = await JobFollower.FollowAsync(client, submitted, view, cancellationToken).ConfigureAwait(false);
                view.Clear();
                return JobFollower.Report(finished, json, context);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return JobFollower.StoppedFollowing(submitted.Id, view, context);
            }
        });

        return command;
    }

    /// <summary>
    /// The cluster's pace for trial division: the best of its recent trial jobs that ran long enough to tell,
    /// else a nominal pace for each of its workers.
    /// </summary>
    private static async Task<double> RecentThroughputAsync(Client.ClusterClient client, CancellationToken cancellationToken)
    {
        var recent = (await client.ListJobsAsync(cancellationToken).ConfigureAwait(false))
            .Where(j => j.State == JobStates.Done && j.Algorithm == "trial" && j.ElapsedMs >= 100)
            .Take(10)
            .Select(j => j.ChecksPerSecond)
            .DefaultIfEmpty(0)
            .Max();
        if (recent > 0)
        {
            return recent;
        }

        var workers = (await client.ClusterAsync(cancellationToken).ConfigureAwait(false)).Totals.Workers;
        return Math.Max(1, workers) * CostModel.TrialChecksPerSecond;
    }
}
