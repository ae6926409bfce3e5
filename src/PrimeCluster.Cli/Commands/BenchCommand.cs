using System.CommandLine;
using System.Text.Json;
using PrimeCluster.Cli.Client;
using PrimeCluster.Cli.Input;
using PrimeCluster.Cli.Output;
using PrimeCluster.Contracts;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;

namespace PrimeCluster.Cli.Commands;

/// <summary>
/// <c>primecluster bench</c>: the article's benchmark table, [1, 1K] to [1, 100K] by trial division, on a running
/// cluster or on an embedded one; each range is run several times and the fastest run is shown. With <c>--chart</c>
/// it also draws the article's comparison chart: PrimeCluster's rows beside the article's Python and Rust figures.
/// </summary>
public static class BenchCommand
{
    private static readonly ulong[] Tils = [1_000, 10_000, 25_000, 50_000, 75_000, 100_000];

    public static Command Create(CliContext context, RemoteOptions remote)
    {
        var embedded = new Option<bool>("--embedded", "-e") { Description = "Run on a one-node cluster in this process instead of a running cluster." };
        var workers = new Option<string?>("--workers", "-w") { Description = "Workers of the embedded cluster (default one per core).", HelpName = "N" };
        var repeat = new Option<string?>("--repeat", "-r") { Description = "Runs of each range; the fastest is shown (default 3).", HelpName = "N" };
        var chart = new Option<string?>("--chart")
        {
            Description = $"Also draw the article's chart into FILE ({BenchChart.Extensions}): ms and checks/s per range beside the article's Python and Rust figures; with --embedded the table runs twice, with 1 worker and with all.",
            HelpName = "FILE",
        };
        var command = new Command("bench", "The classic benchmark table: trial division over [1, 1K] ... [1, 100K], ms and checks/s; --chart draws it beside the article's Python and Rust.");
        remote.AddTo(command);
        command.Options.Add(embedded);
        command.Options.Add(workers);
        command.Options.Add(repeat);
        command.Options.Add(chart);
        command.SetAction(async (parse, cancellationToken) =>
        {
            // A chart that could not be written is refused before minutes of benchmarking, not after.
            var chartPath = parse.GetValue(chart);
            if (chartPath is not null)
            {
                CheckChartPath(chartPath);
            }

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
            Measured measured;
            if (parse.GetValue(embedded))
            {
                measured = await MeasureEmbeddedAsync(workerCount, runs, chartPath is not null, context, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var client = remote.Connect(parse, context);
                measured = await MeasureClusterAsync(client, runs, context, cancellationToken).ConfigureAwait(false);
            }

            if (parse.GetValue(remote.Json))
            {
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(measured.Rows, CliJson.Types.ListResultReport)).ConfigureAwait(false);
            }
            else
            {
                ResultReport.WriteTable(context.Out, measured.Rows);
            }

            if (chartPath is not null)
            {
                var heading = $"Trial division over [1, 1K] ... [1, 100K]: PrimeCluster {measured.Where} against the article's Python and Rust\n"
                    + $"Python and Rust: the article's figures as published, from its author's machine. PrimeCluster: measured {measured.Here}, {(runs == 1 ? "one run" : $"the fastest of {runs} runs")} per range.";
                return await WriteChartAsync(chartPath, heading, [.. ArticleFigures.Series, .. measured.Series], context).ConfigureAwait(false);
            }

            return ExitCodes.Done;
        });

        return command;
    }

    /// <summary>
    /// The table on embedded clusters: with a chart, once with 1 worker and once with <paramref name="workers"/>, so
    /// that it shows what one core does and what all of them do together.
    /// </summary>
    private static async Task<Measured> MeasureEmbeddedAsync(int workers, int runs, bool charting, CliContext context, CancellationToken cancellationToken)
    {
        var cores = Format.Count(Environment.ProcessorCount, "core");
        int[] passes = charting && workers > 1 ? [1, workers] : [workers];
        if (passes.Length > 1)
        {
            await context.Error.WriteLineAsync($"bench: --chart runs the table twice, on an embedded cluster of 1 worker, then of {workers} workers ({cores} here).").ConfigureAwait(false);
        }

        var measured = new Measured([], [], $"on this machine's {cores}", "here");
        foreach (var pass in passes)
        {
            await using var cluster = await context.StartCluster(pass, cancellationToken).ConfigureAwait(false);
            await cluster.WarmUpAsync(cancellationToken).ConfigureAwait(false);
            var rows = new List<ResultReport>();
            foreach (var til in Tils)
            {
                rows.Add(await BestAsync(til, runs, async spec => ResultReport.Of(await cluster.Runner.RunAsync(spec, null, cancellationToken).ConfigureAwait(false)), context).ConfigureAwait(false));
            }

            measured.Rows.AddRange(rows);
            measured.Series.Add(SeriesOf($"PrimeCluster, {Format.Count(pass, "worker")}", rows));
        }

        return measured;
    }

    private static async Task<Measured> MeasureClusterAsync(ClusterClient client, int runs, CliContext context, CancellationToken cancellationToken)
    {
        var rows = new List<ResultReport>();
        foreach (var til in Tils)
        {
            rows.Add(await BestAsync(til, runs, async spec =>
            {
                var request = JobRequest.For(spec);
                var job = await JobFollower.FollowAsync(client, await client.SubmitAsync(request, cancellationToken).ConfigureAwait(false), null, cancellationToken).ConfigureAwait(false);
                return job.State == JobState.Done ? ResultReport.Of(job) : throw new InvalidOperationException($"benchmark job {job.Id} {job.State.Name()}: {job.Error}");
            }, context).ConfigureAwait(false));
        }

        // Workers may come and go between the ranges: the line names every count the rows had.
        var workers = rows.Select(r => r.Workers).Distinct().Order().ToList();
        var name = $"PrimeCluster cluster, {string.Join(" to ", workers)} {(workers is [1] ? "worker" : "workers")}";
        return new Measured(rows, [SeriesOf(name, rows)], $"on the cluster at {client.Url} (this machine: {Format.Count(Environment.ProcessorCount, "core")})", "on that cluster");
    }

    /// <summary>Refuses a chart of another format than the ones drawn, or in a folder that does not exist.</summary>
    private static void CheckChartPath(string path)
    {
        if (BenchChart.FormatOf(path) is null)
        {
            throw new UsageException($"--chart draws {BenchChart.Extensions}, chosen by the file's extension, not '{Path.GetFileName(path)}'.");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new UsageException($"--chart: no folder '{Path.GetDirectoryName(path)}' to write '{Path.GetFileName(path)}' in.");
        }
    }

    private static async Task<int> WriteChartAsync(string path, string heading, IReadOnlyList<BenchSeries> series, CliContext context)
    {
        try
        {
            BenchChart.Save(path, heading, series);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The table is out already; only the chart is missing.
            await context.Error.WriteLineAsync($"primecluster: --chart: cannot write '{path}': {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        await context.Error.WriteLineAsync($"bench: chart written to {path}").ConfigureAwait(false);
        return ExitCodes.Done;
    }

    /// <summary>What a bench measured: the table's rows, the chart's lines, and where, for the chart's heading.</summary>
    private sealed record Measured(List<ResultReport> Rows, List<BenchSeries> Series, string Where, string Here);

    private static BenchSeries SeriesOf(string name, IEnumerable<ResultReport> rows) =>
        new(name, rows.Select(r => new BenchPoint(r.Til, r.ElapsedMs, r.ChecksPerSecond)).ToList());

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
