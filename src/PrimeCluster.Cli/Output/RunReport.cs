using System.Text.Json;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;

namespace PrimeCluster.Cli.Output;

/// <summary>The result of <c>primecluster run</c>, as a table for people and as one JSON object for scripts.</summary>
public sealed record RunReport(
    ulong From,
    ulong Til,
    string Algorithm,
    string Split,
    int Workers,
    long Batches,
    ulong PrimeCount,
    UInt128 CheckCount,
    double ElapsedMs,
    UInt128 ChecksPerSecond)
{
    public static RunReport Of(JobOutcome outcome) => new(
        outcome.Spec.Range.From,
        outcome.Spec.Range.Til,
        Names.Of(outcome.Spec.Algorithm),
        Names.Of(outcome.Spec.Split),
        outcome.Workers,
        outcome.BatchCount,
        outcome.Tally.PrimeCount,
        outcome.Tally.CheckCount,
        Math.Round(outcome.Elapsed.TotalMilliseconds, 3),
        (UInt128)Math.Round(outcome.ChecksPerSecond));

    public void WriteJson(TextWriter writer) => writer.WriteLine(JsonSerializer.Serialize(this, JsonFormat.Options));

    public void WriteTable(TextWriter writer) =>
        new TextTable(
                TextTable.Left("range"),
                TextTable.Left("algorithm"),
                TextTable.Right("workers"),
                TextTable.Right("batches"),
                TextTable.Right("primes"),
                TextTable.Right("checks"),
                TextTable.Right("ms"),
                TextTable.Right("checks/s"))
            .AddRow(
                $"{From}-{Til}",
                Algorithm,
                Format.Integer(Workers),
                Format.Integer(Batches),
                Format.Integer(PrimeCount),
                Format.Integer(CheckCount),
                Format.Milliseconds(TimeSpan.FromMilliseconds(ElapsedMs)),
                Format.Rate((double)ChecksPerSecond))
            .WriteTo(writer);
}
