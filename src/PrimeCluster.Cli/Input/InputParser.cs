using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using PrimeCluster.Core;

namespace PrimeCluster.Cli.Input;

/// <summary>Turns command-line text into values, with a message naming the argument for anything it refuses.</summary>
public static partial class InputParser
{
    /// <summary>A whole number in [0, 2^64 - 1].</summary>
    public static ulong Number(string name, string? text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        RefuseSeparators(name, trimmed);
        if (!BigInteger.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new UsageException($"{name} must be a whole number from 0 to {ulong.MaxValue}, not '{text}'.");
        }

        if (value.Sign < 0)
        {
            throw new UsageException($"{name} must not be negative, got {value}.");
        }

        if (value > ulong.MaxValue)
        {
            throw new UsageException($"{name} must be at most {ulong.MaxValue} (2^64 - 1), got {value}.");
        }

        return (ulong)value;
    }

    /// <summary>An inclusive range, FROM not above TIL.</summary>
    public static NumberRange Range(ulong lo, ulong hi)
    {
        if (lo > hi)
        {
            throw new UsageException($"FROM ({lo}) must not exceed TIL ({hi}).");
        }

        return new NumberRange(lo, hi);
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
        Names.TryParse(text.Trim().ToLowerInvariant(), out Algorithm algorithm)
            ? algorithm
            : throw new UsageException($"--algorithm must be trial, sieve or formula, not '{text}'.");

    public static SplitStrategy Split(string text) =>
        Names.TryParse(text.Trim().ToLowerInvariant(), out SplitStrategy split)
            ? split
            : throw new UsageException($"--split must be balanced or starmap, not '{text}'.");
}
