namespace PrimeCluster.Core;

/// <summary>An inclusive, non-empty range [From, Til] of 64-bit numbers.</summary>
public readonly record struct NumberRange
{
    public NumberRange(ulong from, ulong til)
    {
        if (from > til)
        {
            throw new ArgumentOutOfRangeException(nameof(from), from, $"from ({from}) must not exceed til ({til}).");
        }

        From = from;
        Til = til;
    }

    public ulong From { get; }

    public ulong Til { get; }

    /// <summary>How many numbers the range holds; 2^64 for the whole 64-bit range, hence 128 bits.</summary>
    public UInt128 Width => (UInt128)Til - From + 1;

    public override string ToString() => $"[{From}, {Til}]";
}
