using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PrimeCluster.Cli.Output;
using PrimeCluster.Contracts;

namespace PrimeCluster.Cli.Commands;

/// <summary><c>primecluster jobs</c>: the cluster's jobs, newest first.</summary>
public static class JobsCommand
{
    public static Command Create(CliContext context)
    {
        var remote = new RemoteOptions();
        var command = new Command("jobs", "List the cluster's jobs, newest first.");
        remote.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = remote.Connect(parse, context);
            var jobs = await client.ListJobsAsync(cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(remote.Json))
            {
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(jobs, ApiJson.Options)).ConfigureAwait(false);
            }
            else
            {
                WriteTable(context.Out, jobs);
            }

            return ExitCodes.Done;
        });

        return command;
    }

    public static void WriteTable(TextWriter writer, IEnumerable<JobResource> jobs)
    {
        var table = new TextTable(
            TextTable.Left("id"),
            TextTable.Left("state"),
            TextTable.Left("range"),
            TextTable.Left("algorithm"),
            TextTable.Right("progress"),
            TextTable.Right("batches"),
            TextTable.Right("elapsed"));
        foreach (var job in jobs)
        {
            table.AddRow(
                job.Id,
                job.State,
                $"{job.From}-{job.Til}",
                job.Algorithm,
                string.Create(CultureInfo.InvariantCulture, $"{job.Progress.Fraction * 100:0}%"),
                $"{job.Progress.BatchesDone}/{job.Progress.BatchesTotal}",
                Format.Duration(job.ElapsedMs / 1000));
        }

        table.WriteTo(writer);
    }
}
