using System.CommandLine;
using PrimeCluster.Cli.Input;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Cli.Commands;

/// <summary>The arguments and options every job-submitting command shares: FROM TIL, how to count and how to split.</summary>
public sealed class JobOptions
{
    /// <summary>How the command line names a job's fields when it refuses one.</summary>
    public static readonly JobWording Wording = new("FROM", "TIL", "--algorithm", "--split", "--batches", QuotesInput: true);

    public Argument<ulong> From { get; } = NumberArgument(JobField.From, "First number of the range (0 to 2^64-1).");

    public Argument<ulong> Til { get; } = NumberArgument(JobField.Til, "Last number of the range, inclusive.");

    public Option<string> Algorithm { get; } = new("--algorithm", "-a")
    {
        Description = $"trial (every check performed), sieve (same answer, checks derived) or formula (same answer, in time below linear; TIL up to {FormulaKernel.MaxTilText}, one batch).",
        DefaultValueFactory = _ => "trial",
        HelpName = "trial|sieve|formula",
    };

    public Option<string> Split { get; } = new("--split")
    {
        Description = "balanced (equal-cost batches, several per worker, the last few cheaper) or starmap (one equal-width chunk per worker).",
        DefaultValueFactory = _ => "balanced",
        HelpName = "balanced|starmap",
    };

    public Option<string?> Batches { get; } = new("--batches", "-b")
    {
        Description = "Exact number of batches (default: chosen by the split).",
        HelpName = "N",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print one JSON object on stdout instead of a table." };

    /// <summary>FROM TIL and the counting options, without --json (remote commands take theirs from <see cref="RemoteOptions"/>).</summary>
    public void AddArguments(Command command)
    {
        command.Arguments.Add(From);
        command.Arguments.Add(Til);
        command.Options.Add(Algorithm);
        command.Options.Add(Split);
        command.Options.Add(Batches);
    }

    public void AddTo(Command command)
    {
        AddArguments(command);
        command.Options.Add(Json);
    }

    /// <summary>The job the user asked for; throws <see cref="UsageException"/> naming the first bad argument.</summary>
    public JobSpec Read(ParseResult parse)
    {
        var algorithm = InputParser.Algorithm(parse.GetValue(Algorithm)!);
        var split = InputParser.Split(parse.GetValue(Split)!);
        var batchesText = parse.GetValue(Batches);
        long? batches = batchesText is null ? null : InputParser.Count(Wording.Batches, batchesText, PlanOptions.MaxBatches);
        return JobInput.Spec(parse.GetValue(From), parse.GetValue(Til), algorithm, split, batches, Wording, out var spec) is { } refusal
            ? throw InputParser.Refused(refusal)
            : spec!;
    }

    /// <summary>One line on <paramref name="error"/> when the job cannot have the number of batches --batches asked for.</summary>
    public static async Task NoteBatchesAsync(JobSpec spec, TextWriter error)
    {
        if (spec.Batches is not { } asked || spec.Plan(workers: 1).Count is var planned && planned == asked)
        {
            return;
        }

        var range = $"[{spec.Range.From}, {spec.Range.Til}]";
        var why = spec.Algorithm == Core.Algorithm.Formula ? $"--algorithm formula counts {range} whole"
            : (ulong)asked > spec.Range.Width ? $"{range} holds only {Format.Count((long)spec.Range.Width, "number")}"
            : $"--split starmap cuts {range} into equal widths";
        await error.WriteLineAsync($"primecluster: --batches {asked}: {why}, so the job has {Format.Count(planned, "batch", "batches")}.").ConfigureAwait(false);
    }

    /// <summary>
    /// A required number, read as the parser meets it: a bad one is reported before an argument missing after it
    /// (<c>run 1,000,000</c> is about the commas, not the missing TIL).
    /// </summary>
    private static Argument<ulong> NumberArgument(JobField field, string description) => new(Wording.Name(field))
    {
        Description = description,
        CustomParser = result =>
        {
            try
            {
                return result.Tokens is [var token] ? InputParser.Number(field, token.Value) : 0;
            }
            catch (UsageException e)
            {
                result.AddError(e.Message);
                return 0;
            }
        },
    };
}
