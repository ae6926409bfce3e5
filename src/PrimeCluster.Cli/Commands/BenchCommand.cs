using System.CommandLine;
using System.Text.Json;
using PrimeCluster.Cli.Input;
using PrimeCluster.Cli.Output;
using PrimeCluster.Contracts;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;

namespace PrimeCluster.Cli.Commands;

/// <summary>
/// <c>primecluster bench</c>: the article's benchmark table, [1, 1K] to [1, 100K] by trial division, on a running
/// cluster or on an embedded one; each range is run several times and the fastest run is shown.
/// </summary>
public static class BenchCommand
{
    private static readonly ulong[] Tils = [1_000, 10_000, 25_000, 50_000, 75_000, 100_000];

    public static Command Create(CliContext context, RemoteOptions remote)
    {
        var embedded = new Option<bool>("--embedded", "-e") { Description = "Run on a one-node cluster in this process instead of a running cluster." };
        var workers = new Option<string?>("--workers", "-w") { Description = "Workers of the embedded cluster (default one per core).", HelpName = "N" };
        var repeat = new Option<string?>("--repeat", "-r") { Description = "Runs of each range; the fastest is shown (default 3).", HelpName = "N" };
        var command = new Command("bench", "The classic benchmark table: trial division over [1, 1K] ... [1, 100K], ms and checks/s.");
        remote.AddTo(command);
        command.Options.Add(embedded);
        command.Options.Add(workers);
        command.Options.Add(repeat);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var runs = (int)InputParser.Count("--repeat", parse.GetValue(repeat) ?? "3", 100);
            var workerText = parse.GetValue(workers);
            if (parse.GetValue(embedded) && remote.GivenFor(parse) is { } option)
            {
                throw new UsageException($"{option} is for a running cluster; bench --embedded counts on this machine.");
            }

            if (!parse.GetValue(embedded) && workerText is not null)
            {
                throw new UsageException("--workers sets the workers of an embedded cluster: add --embedded, or scale the running cluster's workers.");
            }

            var workerCount = workerText is null ? Environment.ProcessorCount : (int)InputParser.Count("--workers", workerText, RunCommand.MaxWorkers);
            var results = new List<ResultReport>();
            if (parse.GetValue(embedded))
            {
                await using var cluster = await context.StartCluster(workerCount, cancellationToken).ConfigureAwait(false);
                foreach (var til in Tils)
                {
                    results.Add(await BestAsync(til, runs, async spec => ResultReport.Of(await cluster.Runner.RunAsync(spec, null, cancellationToken).ConfigureAwait(false)), context).ConfigureAwait(false));
                }
            }
            else
            {
                using var client = remote.Connect(parse, context);
                foreach (var til in Tils)
                {
                    results.Add(await BestAsync(til, runs, async spec =>
                    {
                        var request = new JobRequest(spec.Range.From, spec.Range.Til, "trial", "balanced", null);
                        var job = await JobFollower.FollowAsync(client, await client.SubmitAsync(request, cancellationToken).ConfigureAwait(false), null, cancellationToken).ConfigureAwait(false);
                        return job.State == JobStates.Done ? ResultReport.Of(job) : throw new InvalidOperationException($"benchmark job {job.Id} {job.State}: {job.Error}");
                    }, context).ConfigureAwait(false));
                }
            }

            if (parse.GetValue(remote.Json))
            {
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(results, ApiJson.Options)).ConfigureAwait(false);
            }
            else
            {
                ResultReport.WriteTable(context.Out, results);
            }

            return ExitCodes.Done;
        });

        return command;
    }

    private static async Task<ResultReport> BestAsync(ulong til, int runs, Func<JobSpec, Task<ResultReport>> run, CliContext context)
    {
        await context.Error.WriteLineAsync($"bench: [1, {til}], {Format.Count(runs, "run")}").ConfigureAwait(false);
        var spec = new JobSpec(new NumberRange(1, til));
        ResultReport? best = null;
        for (var i = 0; i < runs; i++)
        {
            var report = await run(spec).ConfigureAwait(false);
            if (best is null || report.ElapsedMs < best.ElapsedMs)
            {
                best = report;
            }
        }

        return best!;
    }
}
