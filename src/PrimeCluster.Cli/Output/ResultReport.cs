using System.Text.Json;
using PrimeCluster.Contracts;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;

namespace PrimeCluster.Cli.Output;

/// <summary>A finished job's result, as a table in the spirit of the article's, or as JSON with the API's keys.</summary>
public sealed record ResultReport(
    ulong From,
    ulong Til,
    string Algorithm,
    string Split,
    int Workers,
    long Batches,
    ulong PrimeCount,
    UInt128 CheckCount,
    double ElapsedMs,
    double ChecksPerSecond)
{
    private const string ChecksUnit = "checks/s";

    public static ResultReport Of(JobOutcome outcome) => new(
        outcome.Spec.Range.From,
        outcome.Spec.Range.Til,
        Names.Of(outcome.Spec.Algorithm),
        Names.Of(outcome.Spec.Split),
        outcome.Workers,
        outcome.BatchCount,
        outcome.Tally.PrimeCount,
        outcome.Tally.CheckCount,
        Math.Round(outcome.Elapsed.TotalMilliseconds, 3),
        Math.Round(outcome.ChecksPerSecond));

    public static ResultReport Of(JobResource job) => new(
        job.From,
        job.Til,
        job.Algorithm,
        job.Split,
        job.Workers,
        job.Batches,
        job.PrimeCount ?? 0,
        job.CheckCount ?? 0,
        job.ElapsedMs,
        job.ChecksPerSecond);

    public void WriteJson(TextWriter writer) => writer.WriteLine(JsonSerializer.Serialize(this, CliJson.Types.ResultReport));

    public static void WriteTable(TextWriter writer, IEnumerable<ResultReport> reports)
    {
        var rows = reports.Select(r => (Report: r, Rate: r.Rate())).ToList();

        // One unit names the column; rows of both algorithms say theirs in each cell.
        var units = rows.Select(r => r.Rate.Unit).Distinct().ToList();
        var mixed = units.Count > 1;
        var table = new TextTable(
            TextTable.Left("range"),
            TextTable.Left("algorithm"),
            TextTable.Right("workers"),
            TextTable.Right("batches"),
            TextTable.Right("primes"),
            TextTable.Right("checks"),
            TextTable.Right("ms"),
            TextTable.Right(mixed ? "rate" : units.FirstOrDefault() ?? ChecksUnit));
        foreach (var (r, rate) in rows)
        {
            table.AddRow(
                $"{r.From}-{r.Til}",
                r.Algorithm,
                Format.Integer(r.Workers),
                Format.Integer(r.Batches),
                Format.Integer(r.PrimeCount),
                Format.Integer(r.CheckCount),
                Format.Milliseconds(TimeSpan.FromMilliseconds(r.ElapsedMs)),
                mixed ? $"{Format.Rate(rate.PerSecond)} {rate.Unit}" : Format.Rate(rate.PerSecond));
        }

        table.WriteTo(writer);
    }

    /// <summary>What the job did per second: checks by trial division; numbers by the sieve and the formula, which perform no checks.</summary>
    private (double PerSecond, string Unit) Rate() =>
        Algorithm != Names.Of(Core.Algorithm.Trial)
            ? (ElapsedMs > 0 ? (double)((UInt128)Til - From + 1) / (ElapsedMs / 1000) : 0, "numbers/s")
            : (ChecksPerSecond, ChecksUnit);

    public void WriteTable(TextWriter writer) => WriteTable(writer, [this]);
}
