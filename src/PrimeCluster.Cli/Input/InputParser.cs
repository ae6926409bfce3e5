using System.Globalization;
using System.Text.RegularExpressions;
using PrimeCluster.Cli.Commands;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;

namespace PrimeCluster.Cli.Input;

/// <summary>Turns command-line text into values, with a message naming the argument for anything it refuses.</summary>
public static partial class InputParser
{
    /// <summary>FROM or TIL: a whole number in [0, 2^64 - 1], without separators.</summary>
    public static ulong Number(JobField field, string? text)
    {
        RefuseSeparators(JobOptions.Wording.Name(field), text?.Trim() ?? string.Empty);
        return JobInput.Number(field, text ?? string.Empty, JobOptions.Wording, out var value) is { } refusal ? throw Refused(refusal) : value;
    }

    /// <summary>A positive count no larger than <paramref name="max"/>.</summary>
    public static long Count(string name, string text, long max)
    {
        RefuseSeparators(name, text.Trim());
        if (!long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            || value < 1 || value > max)
        {
            throw new UsageException($"{name} must be a whole number from 1 to {max}, not '{text}'.");
        }

        return value;
    }

    /// <summary>1,000,000 or 1_000_000 (any one separator between groups of three digits) is refused, saying how to write it.</summary>
    private static void RefuseSeparators(string name, string text)
    {
        if (GroupedDigits().IsMatch(text))
        {
            throw new UsageException($"{name} must be written without separators: {GroupSeparator().Replace(text, string.Empty)}, not '{text}'.");
        }
    }

    [GeneratedRegex(@"^\d{1,3}([,_' ])\d{3}(\1\d{3})*$")]
    private static partial Regex GroupedDigits();

    [GeneratedRegex(@"[,_' ]")]
    private static partial Regex GroupSeparator();

    /// <summary>trial, sieve or formula, in any case: <c>--algorithm Sieve</c> is the sieve.</summary>
    public static Algorithm Algorithm(string text) =>
        JobInput.Algorithm(text, JobOptions.Wording, out var algorithm) is { } refusal ? throw Refused(refusal) : algorithm;

    public static SplitStrategy Split(string text) =>
        JobInput.Split(text, JobOptions.Wording, out var split) is { } refusal ? throw Refused(refusal) : split;

    /// <summary>A refusal of the job's rules, as bad usage.</summary>
    public static UsageException Refused(JobRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return new UsageException(refusal.Message);
    }
}
