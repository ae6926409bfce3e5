using System.CommandLine;
using System.Text.Json;
using PrimeCluster.Contracts;
using PrimeCluster.Core;

namespace PrimeCluster.Cli.Commands;

/// <summary><c>primecluster cancel ID</c>: stops a job; its workers drop its batches.</summary>
public static class CancelCommand
{
    public static Command Create(CliContext context, RemoteOptions remote)
    {
        var id = new JobIdArgument();
        var command = new Command("cancel", "Cancel a job.");
        command.Arguments.Add(id.Id);
        remote.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var jobId = id.Read(parse);
            using var client = remote.Connect(parse, context);
            var before = await client.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false) ?? throw JobIdArgument.Unknown(jobId, client);
            var job = await client.CancelAsync(jobId, cancellationToken).ConfigureAwait(false) ?? throw JobIdArgument.Unknown(jobId, client);
            if (parse.GetValue(remote.Json))
            {
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(job, ApiJson.Types.JobResource)).ConfigureAwait(false);
            }
            else
            {
                JobsCommand.WriteTable(context.Out, [job]);
            }

            if (before.State.IsTerminal())
            {
                await context.Error.WriteLineAsync($"primecluster: job {jobId} had already ended ({before.State.Name()}); nothing to cancel.").ConfigureAwait(false);
            }

            return ExitCodes.Done;
        });

        return command;
    }
}
