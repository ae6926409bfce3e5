namespace PrimeCluster.Core;

/// <summary>
/// The article's <c>(prime_count, check_count)</c> tuple. Exact for any range of 64-bit numbers:
/// the whole range [0, 2^64-1] holds fewer than 2^64 primes and fewer than 2^128 checks.
/// </summary>
public readonly record struct Tally(ulong PrimeCount, UInt128 CheckCount)
{
    public static Tally Zero => default;

    public static Tally operator +(Tally left, Tally right) =>
        new(checked(left.PrimeCount + right.PrimeCount), checked(left.CheckCount + right.CheckCount));

    public static Tally operator -(Tally left, Tally right) =>
        new(checked(left.PrimeCount - right.PrimeCount), checked(left.CheckCount - right.CheckCount));

    public override string ToString() => $"({PrimeCount}, {CheckCount})";
}
