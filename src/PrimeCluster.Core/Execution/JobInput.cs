using System.Globalization;
using System.Numerics;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Core.Execution;

/// <summary>The parts of a job's input that can be wrong.</summary>
public enum JobField
{
    From,
    Til,
    Algorithm,
    Split,
    Batches,
}

/// <summary>Why text is not a number from 0 to 2^64 - 1.</summary>
public enum NumberProblem
{
    None,
    NotWhole,
    Negative,
    TooLarge,
}

/// <summary>A job's input refused: the part it names and one line that says why.</summary>
public sealed record JobRefusal(JobField Field, string Message);

/// <summary>
/// How an edge names a job's fields: the HTTP API by its JSON keys; the command line by its arguments and options,
/// quoting what was given and ending each line with a full stop.
/// </summary>
public sealed record JobWording(string From, string Til, string Algorithm, string Split, string Batches, bool QuotesInput)
{
    public string Name(JobField field) => field switch
    {
        JobField.From => From,
        JobField.Til => Til,
        JobField.Algorithm => Algorithm,
        JobField.Split => Split,
        _ => Batches,
    };

    /// <summary><paramref name="given"/> where the edge quotes the input, and the end of the line.</summary>
    internal string End(string given) => QuotesInput ? $"{given}." : string.Empty;
}

/// <summary>
/// The rules a job's input follows, wherever it comes from: the command line's arguments and the API's JSON body are
/// held to these, and each edge words a refusal with its own names (<see cref="JobWording"/>).
/// </summary>
public static class JobInput
{
    /// <summary>Longer text is no 64-bit number, however written: it is refused before it is parsed.</summary>
    private const int MaxNumberLength = 64;

    private static readonly string AlgorithmNames = Choices(Enum.GetValues<Algorithm>().Select(Names.Of));
    private static readonly string SplitNames = Choices(Enum.GetValues<SplitStrategy>().Select(Names.Of));

    /// <summary>
    /// A whole number in [0, 2^64 - 1] written as digits, with a sign at most; <paramref name="whole"/> is what the text
    /// says when it is a whole number at all, in range or not.
    /// </summary>
    public static NumberProblem ReadNumber(ReadOnlySpan<char> text, out ulong value, out BigInteger whole)
    {
        value = 0;
        whole = BigInteger.Zero;
        var digits = text is ['+' or '-', .. var rest] ? rest : text;
        if (text.Length > MaxNumberLength || digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9')
            || !BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out whole))
        {
            return NumberProblem.NotWhole;
        }

        if (whole.Sign < 0)
        {
            return NumberProblem.Negative;
        }

        if (whole > ulong.MaxValue)
        {
            return NumberProblem.TooLarge;
        }

        value = (ulong)whole;
        return NumberProblem.None;
    }

    /// <summary>The number typed <paramref name="text"/> says, spaces around it aside, or the refusal naming <paramref name="field"/>.</summary>
    public static JobRefusal? Number(JobField field, string text, JobWording words, out ulong value)
    {
        ArgumentNullException.ThrowIfNull(text);
        var problem = ReadNumber(text.AsSpan().Trim(), out value, out var whole);
        return problem == NumberProblem.None ? null : Refuse(field, problem, text, whole, words);
    }

    /// <summary>What is wrong with the number given for <paramref name="field"/>.</summary>
    public static JobRefusal Refuse(JobField field, NumberProblem problem, string given, BigInteger whole, JobWording words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var name = words.Name(field);
        return new JobRefusal(field, problem switch
        {
            NumberProblem.Negative => $"{name} must not be negative{words.End($", got {whole}")}",
            NumberProblem.TooLarge => $"{name} must be at most {ulong.MaxValue} (2^64 - 1){words.End($", got {whole}")}",
            _ => $"{name} must be a whole number from 0 to {ulong.MaxValue}{words.End($", not '{given}'")}",
        });
    }

    /// <summary>An algorithm by its name, in any case: <c>Sieve</c> is the sieve.</summary>
    public static JobRefusal? Algorithm(string text, JobWording words, out Algorithm algorithm) =>
        Names.TryParse(text?.Trim().ToLowerInvariant(), out algorithm) ? null : NotAName(JobField.Algorithm, text ?? string.Empty, words);

    /// <summary>A split by its name, in any case.</summary>
    public static JobRefusal? Split(string text, JobWording words, out SplitStrategy split) =>
        Names.TryParse(text?.Trim().ToLowerInvariant(), out split) ? null : NotAName(JobField.Split, text ?? string.Empty, words);

    /// <summary>What was given for the algorithm or the split is none of their names.</summary>
    public static JobRefusal NotAName(JobField field, string given, JobWording words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var names = field == JobField.Algorithm ? AlgorithmNames : SplitNames;
        return new(field, $"{words.Name(field)} must be {names}{words.End($", not '{given}'")}");
    }

    public static JobRefusal BatchesRefused(string given, JobWording words)
    {
        ArgumentNullException.ThrowIfNull(words);
        return new(JobField.Batches, $"{words.Batches} must be a whole number from 1 to {PlanOptions.MaxBatches}{words.End($", not '{given}'")}");
    }

    /// <summary>
    /// The job these parts make, or the refusal of the first that is wrong: FROM not above TIL, TIL within the formula's
    /// reach for a formula job, and a batch count the planner takes. An algorithm or split not given is
    /// <see cref="JobSpec"/>'s default.
    /// </summary>
    public static JobRefusal? Spec(ulong from, ulong til, Algorithm? algorithm, SplitStrategy? split, long? batches, JobWording words, out JobSpec? spec)
    {
        ArgumentNullException.ThrowIfNull(words);
        spec = null;
        if (from > til)
        {
            return new(JobField.From, $"{words.From} ({from}) must not exceed {words.Til} ({til}){words.End(string.Empty)}");
        }

        if (algorithm == Core.Algorithm.Formula && til > FormulaKernel.MaxTil)
        {
            return new(JobField.Til, $"{words.Til} must be at most {FormulaKernel.MaxTil} ({FormulaKernel.MaxTilText}) with {words.Algorithm} formula"
                + (words.QuotesInput ? $", got {til}" : string.Empty) + $"; {words.Algorithm} sieve counts any range{words.End(string.Empty)}");
        }

        if (batches is < 1 or > PlanOptions.MaxBatches)
        {
            return BatchesRefused(batches.Value.ToString(CultureInfo.InvariantCulture), words);
        }

        var job = new JobSpec(new NumberRange(from, til), Batches: batches);
        spec = job with { Algorithm = algorithm ?? job.Algorithm, Split = split ?? job.Split };
        return null;
    }

    /// <summary>"a, b or c".</summary>
    private static string Choices(IEnumerable<string> names)
    {
        var all = names.ToList();
        return all.Count == 1 ? all[0] : $"{string.Join(", ", all[..^1])} or {all[^1]}";
    }
}
