namespace PrimeCluster.Core.Kernels;

/// <summary>
/// The article's <c>primecounter</c> as written, one <c>%</c> per check, but with exact counters.
/// It is the executable specification the fast kernels are tested against, and the benchmark baseline.
/// </summary>
public static class ReferenceCounter
{
    public static Tally PrimeCounter(ulong from, ulong til)
    {
        var start = Math.Max(from, 2UL);
        if (til < start)
        {
            return Tally.Zero;
        }

        ulong primes = 0;
        UInt128 checks = 0;
        for (var n = start; ; n++)
        {
            var isPrime = true;
            for (ulong d = 2; d < n; d++)
            {
                checks++;
                if (n % d == 0)
                {
                    isPrime = false;
                    break;
                }
            }

            if (isPrime)
            {
                primes++;
            }

            if (n == til)
            {
                return new Tally(primes, checks);
            }
        }
    }
}
