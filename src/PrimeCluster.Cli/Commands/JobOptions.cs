using System.CommandLine;
using PrimeCluster.Cli.Input;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Cli.Commands;

/// <summary>The arguments and options every job-submitting command shares: FROM TIL, how to count and how to split.</summary>
public sealed class JobOptions
{
    public Argument<string?> From { get; } = new("FROM") { Description = "First number of the range (0 to 2^64-1).", Arity = ArgumentArity.ZeroOrOne };

    public Argument<string?> Til { get; } = new("TIL") { Description = "Last number of the range, inclusive.", Arity = ArgumentArity.ZeroOrOne };

    public Option<string> Algorithm { get; } = new("--algorithm", "-a")
    {
        Description = "trial (every check performed) or sieve (same answer, checks derived).",
        DefaultValueFactory = _ => "trial",
        HelpName = "trial|sieve",
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
    public JobSpec Read(ParseResult parse, string commandName)
    {
        var from = parse.GetValue(From) ?? throw new UsageException($"FROM is required: primecluster {commandName} FROM TIL.");
        var til = parse.GetValue(Til) ?? throw new UsageException($"TIL is required: primecluster {commandName} FROM TIL.");
        var range = InputParser.Range(from, til);
        var algorithm = InputParser.Algorithm(parse.GetValue(Algorithm)!);
        var split = InputParser.Split(parse.GetValue(Split)!);
        var batchesText = parse.GetValue(Batches);
        long? batches = batchesText is null ? null : InputParser.Count("--batches", batchesText, PlanOptions.MaxBatches);
        return new JobSpec(range, algorithm, split, batches);
    }
}
