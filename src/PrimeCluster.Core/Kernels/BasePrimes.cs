namespace PrimeCluster.Core.Kernels;

/// <summary>
/// Odd primes for sieving: the primes up to <see cref="CacheLimit"/> are computed once per process and shared;
/// larger ones are produced window by window, so memory stays bounded for any 64-bit range.
/// </summary>
internal static class BasePrimes
{
    /// <summary>Odd primes up to here are kept: 3.9 million of them, 16 MB. They cover every til below 2^52.</summary>
    public const uint CacheLimit = 1u << 26;

    private static readonly Lock Gate = new();
    private static uint[] _cached = [];
    private static uint _cachedLimit;

    /// <summary>The odd primes p &lt;= limit, ascending; shared, so callers must not write to it.</summary>
    public static ReadOnlyMemory<uint> UpTo(uint limit)
    {
        if (limit > CacheLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"Only primes up to {CacheLimit} are cached.");
        }

        uint[] primes;
        lock (Gate)
        {
            if (limit > _cachedLimit)
            {
                // Grow geometrically, so a run of rising limits costs little more than the last one.
                var newLimit = (uint)Math.Min(CacheLimit, Math.Max(limit, 2UL * _cachedLimit));
                _cached = OddPrimesUpTo(newLimit);
                _cachedLimit = newLimit;
            }

            primes = _cached;
        }

        return primes.AsMemory(0, CountUpTo(primes, limit));
    }

    /// <summary>The odd primes p &lt;= limit by a plain sieve of Eratosthenes over odd numbers.</summary>
    public static uint[] OddPrimesUpTo(uint limit)
    {
        if (limit < 3)
        {
            return [];
        }

        // composite[i] stands for 2i + 1.
        var count = (int)((limit - 1) / 2) + 1;
        var composite = new bool[count];
        for (long i = 1; ; i++)
        {
            var p = 2 * i + 1;
            if (p * p > limit)
            {
                break;
            }

            if (!composite[i])
            {
                for (var j = p * p / 2; j < count; j += p)
                {
                    composite[j] = true;
                }
            }
        }

        var primes = new List<uint>(count / 8);
        for (var i = 1; i < count; i++)
        {
            if (!composite[i])
            {
                primes.Add((uint)(2 * i + 1));
            }
        }

        return primes.ToArray();
    }

    /// <summary>
    /// The odd primes in (after, upTo], window by window; every prime needed to sieve them must be cached,
    /// which holds for every upTo &lt; 2^52.
    /// </summary>
    public static IEnumerable<ReadOnlyMemory<uint>> Windows(ulong after, ulong upTo, int windowWidth)
    {
        var small = UpTo((uint)IntegerMath.ISqrt(upTo));
        var buffer = new List<uint>(windowWidth / 8);
        for (var lo = after + 1; lo <= upTo;)
        {
            var hi = Math.Min(upTo, lo + (ulong)windowWidth - 1);
            buffer.Clear();
            var odd = lo | 1;
            if (odd <= hi)
            {
                var composite = new bool[(int)((hi - odd) / 2) + 1];
                foreach (var p in small.Span)
                {
                    var square = (ulong)p * p;
                    if (square > hi)
                    {
                        break;
                    }

                    var first = Math.Max(square, (odd + p - 1) / p * p);
                    if ((first & 1) == 0)
                    {
                        first += p;
                    }

                    for (var j = (first - odd) / 2; j < (ulong)composite.Length; j += p)
                    {
                        composite[j] = true;
                    }
                }

                for (var i = 0; i < composite.Length; i++)
                {
                    if (!composite[i])
                    {
                        buffer.Add((uint)(odd + 2 * (ulong)i));
                    }
                }
            }

            yield return buffer.ToArray();
            if (hi == upTo)
            {
                yield break;
            }

            lo = hi + 1;
        }
    }

    private static int CountUpTo(uint[] primes, uint limit)
    {
        var index = Array.BinarySearch(primes, limit);
        return index >= 0 ? index + 1 : ~index;
    }
}
