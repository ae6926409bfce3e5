using System.Security.Cryptography;

namespace PrimeCluster.Actors.Messages;

/// <summary>A job's name: ten lower-case letters and digits, unguessable and unique enough without coordination.</summary>
public readonly record struct JobId(string Value)
{
    private const string Alphabet = "abcdefghijkmnopqrstuvwxyz23456789";

    public static JobId New() => new(RandomNumberGenerator.GetString(Alphabet, 10));

    public static bool TryParse(string? text, out JobId id)
    {
        var valid = text is { Length: > 0 and <= 64 } && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
        id = valid ? new JobId(text!) : default;
        return valid;
    }

    public override string ToString() => Value;
}
