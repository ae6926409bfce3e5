using System.CommandLine;
using PrimeCluster.Cli.Client;
using PrimeCluster.Contracts;
using PrimeCluster.Core;

namespace PrimeCluster.Cli.Commands;

/// <summary><c>primecluster submit FROM TIL</c>: runs a job on a cluster and follows it, or leaves it running with --detach.</summary>
public static class SubmitCommand
{
    /// <summary>The field a cluster names when it refuses a job for its cost.</summary>
    private const string CostField = "accept_cost";

    public static Command Create(CliContext context, RemoteOptions remote)
    {
        var job = new JobOptions();
        var detach = new Option<bool>("--detach", "-d") { Description = "Print the job's id and return at once; the job keeps running." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Run a trial job estimated to take over an hour without asking." };
        var command = new Command("submit", "Submit a job to a running cluster and follow it to its result.");
        job.AddArguments(command);
        remote.AddTo(command);
        command.Options.Add(detach);
        command.Options.Add(yes);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var spec = job.Read(parse);
            await JobOptions.NoteBatchesAsync(spec, context.Error).ConfigureAwait(false);
            var json = parse.GetValue(remote.Json);
            using var client = remote.Connect(parse, context);
            var request = JobRequest.For(spec, acceptCost: parse.GetValue(yes));
            JobResource submitted;
            try
            {
                submitted = await client.SubmitAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (ClusterRefusedException e) when (e.Error?.Field == CostField)
            {
                // The cluster weighs a trial job's cost at its own pace; the user decides.
                if (!await CostGuard.ConfirmAsync(e.Error.Error, context).ConfigureAwait(false))
                {
                    await context.Error.WriteLineAsync("primecluster: not submitted.").ConfigureAwait(false);
                    return ExitCodes.Failed;
                }

                submitted = await client.SubmitAsync(request with { AcceptCost = true }, cancellationToken).ConfigureAwait(false);
            }

            var next = remote.Next(parse);
            if (parse.GetValue(detach))
            {
                await context.Out.WriteLineAsync(json ? System.Text.Json.JsonSerializer.Serialize(submitted, ApiJson.Types.JobResource) : submitted.Id).ConfigureAwait(false);
                await context.Error.WriteLineAsync($"primecluster: job {submitted.Id} submitted; follow it with: {next.Watch(submitted.Id)}").ConfigureAwait(false);
                return ExitCodes.Done;
            }

            return await JobFollower.FollowAndReportAsync(client, submitted, json, next, context, cancellationToken).ConfigureAwait(false);
        });

        return command;
    }
}
