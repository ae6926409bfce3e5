namespace PrimeCluster.Core.Kernels;

/// <summary>
/// The trial-division tally without performing the checks: each prime n costs n - 2 checks and each composite
/// spf(n) - 1, where spf is the smallest prime factor. A segmented sieve finds both: striking the multiples of p in
/// ascending order of p, the numbers struck first by p are exactly those with spf = p. Only the numbers coprime to 30
/// are sieved (<see cref="WheelSieve"/>); the multiples of 2, 3, 5 and the next few primes are counted by
/// inclusion-exclusion (<see cref="Presieve"/>). Memory grows with sqrt(til) and the segment, never with the width of
/// the range.
/// </summary>
public sealed class SieveKernel : IPrimeKernel
{
    /// <summary>Where primes beyond the cache are needed, a window narrower than this is counted number by number.</summary>
    internal const ulong NarrowWindow = 1 << 18;

    public static SieveKernel Instance { get; } = new();

    public Algorithm Algorithm => Algorithm.Sieve;

    public Tally Count(ulong from, ulong til, CancellationToken cancellationToken = default)
    {
        var lo = Math.Max(from, 2UL);
        if (til < lo)
        {
            return Tally.Zero;
        }

        var needsUncachedPrimes = IntegerMath.ISqrt(til) > BasePrimes.CacheLimit;
        if (!needsUncachedPrimes || til - lo >= NarrowWindow)
        {
            return Presieve.Tally(lo, til) + new WheelSieve(lo, til).Count(cancellationToken);
        }

        // Every even n here is composite with spf 2: one check each.
        var tally = new Tally(0, til / 2 - (lo - 1) / 2);
        var oddFrom = lo | 1;
        return oddFrom > til ? tally : tally + CountByFactoring(oddFrom, til, cancellationToken);
    }

    private static Tally CountByFactoring(ulong oddFrom, ulong til, CancellationToken cancellationToken)
    {
        var tally = Tally.Zero;
        for (var n = oddFrom; ; n += 2)
        {
            cancellationToken.ThrowIfCancellationRequested();
            tally += PrimeFactors.TallyOf(n);
            if (til - n < 2)
            {
                return tally;
            }
        }
    }
}
