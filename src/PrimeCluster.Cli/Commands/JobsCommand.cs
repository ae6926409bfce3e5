using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PrimeCluster.Cli.Input;
using PrimeCluster.Cli.Output;
using PrimeCluster.Contracts;
using PrimeCluster.Core;

namespace PrimeCluster.Cli.Commands;

/// <summary><c>primecluster jobs</c>: the cluster's jobs, newest first.</summary>
public static class JobsCommand
{
    public const int DefaultLimit = 20;

    /// <summary>Jobs asked for in one request when listing them all.</summary>
    private const int Page = 500;

    public static Command Create(CliContext context, RemoteOptions remote)
    {
        var limit = new Option<string?>("--limit", "-n") { Description = $"Show the newest N jobs (default {DefaultLimit}).", HelpName = "N" };
        var all = new Option<bool>("--all") { Description = "Show every job the cluster remembers." };
        var command = new Command("jobs", "List the cluster's jobs, newest first.");
        remote.AddTo(command);
        command.Options.Add(limit);
        command.Options.Add(all);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var wanted = parse.GetValue(all) ? long.MaxValue
                : parse.GetValue(limit) is { } text ? InputParser.Count("--limit", text, int.MaxValue)
                : DefaultLimit;
            using var client = remote.Connect(parse, context);
            var jobs = new List<JobResource>();
            string? before = null;
            bool more;
            do
            {
                var page = await client.ListJobsAsync((int)Math.Min(Page, wanted - jobs.Count), before, cancellationToken).ConfigureAwait(false);
                jobs.AddRange(page.Jobs);
                before = page.Next;
                more = before is not null;
            }
            while (more && jobs.Count < wanted);

            // The table keeps its header, so that scripts that skip it read no jobs the same way.
            if (jobs.Count == 0)
            {
                await context.Error.WriteLineAsync($"primecluster: no jobs on {client.Url} yet; submit one with: primecluster submit FROM TIL").ConfigureAwait(false);
            }

            if (more)
            {
                await context.Error.WriteLineAsync($"primecluster: the newest {Format.Count(jobs.Count, "job")}; older ones with --limit N or --all.").ConfigureAwait(false);
            }

            if (parse.GetValue(remote.Json))
            {
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(jobs, ApiJson.Types.ListJobResource)).ConfigureAwait(false);
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
                job.State.Name(),
                $"{job.From}-{job.Til}",
                job.Algorithm,
                string.Create(CultureInfo.InvariantCulture, $"{job.Progress.Fraction * 100:0}%"),
                $"{job.Progress.BatchesDone}/{job.Progress.BatchesTotal}",
                Format.Duration(job.ElapsedMs / 1000));
        }

        table.WriteTo(writer);
    }
}
