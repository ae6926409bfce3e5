using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// The trial-division tally without performing the checks: each prime n costs n - 2 checks and each composite
/// spf(n) - 1, where spf is the smallest prime factor. A segmented sieve of odd numbers finds both: striking the
/// multiples of p in ascending order of p, the numbers struck first by p are exactly those with spf = p.
/// Memory grows with sqrt(til) and the segment, never with the width of the range.
/// </summary>
public sealed class SieveKernel : IPrimeKernel
{
    /// <summary>Odd numbers per segment: 64 KB of flags, at home in L2 while the small primes stride through it.</summary>
    private const int SegmentLength = 1 << 16;

    /// <summary>Past the cached base primes, segments are larger, to spread the cost of producing the base primes.</summary>
    private const int LargeSegmentLength = 1 << 24;

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

        var tally = lo == 2 ? new Tally(1, 0) : Tally.Zero;

        // Every even n >= 4 is composite with spf 2: one check each.
        var evenFrom = Math.Max(lo, 4UL);
        if (evenFrom <= til)
        {
            tally += new Tally(0, til / 2 - (evenFrom - 1) / 2);
        }

        var oddFrom = Math.Max(lo, 3UL) | 1;
        if (oddFrom > til)
        {
            return tally;
        }

        var needsUncachedPrimes = IntegerMath.ISqrt(til) > BasePrimes.CacheLimit;
        return tally + (needsUncachedPrimes && til - oddFrom < NarrowWindow
            ? CountByFactoring(oddFrom, til, cancellationToken)
            : new OddSieve(oddFrom, til).Count(cancellationToken));
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

    /// <summary>
    /// The odd numbers of [from, til] (from odd), segment by segment. Flags are bytes, 1 while a number is unstruck,
    /// so striking and counting in one go is a load, an add and a store.
    /// </summary>
    private sealed class OddSieve
    {
        private readonly ulong _from;
        private readonly ulong _til;
        private readonly ulong _sqrtTil;
        private readonly byte[] _segment;

        public OddSieve(ulong from, ulong til)
        {
            _from = from;
            _til = til;
            _sqrtTil = IntegerMath.ISqrt(til);
            var length = _sqrtTil > BasePrimes.CacheLimit ? LargeSegmentLength : SegmentLength;
            var oddCount = (til - from) / 2 + 1;
            _segment = new byte[(int)Math.Min((ulong)length, oddCount)];
        }

        public Tally Count(CancellationToken cancellationToken)
        {
            var tally = Presieve.Tally(_from, _til);
            var cached = BasePrimes.UpTo((uint)Math.Min(_sqrtTil, BasePrimes.CacheLimit));
            var striking = new CachedPrimes(cached, Presieve.LargestPrime, _from, _til);

            // Odd number n sits at index (n - 1) / 2; a segment is a run of consecutive indices.
            var firstIndex = (_from - 1) / 2;
            var lastIndex = (_til - 1) / 2;
            for (var segmentIndex = firstIndex; ; segmentIndex += (ulong)_segment.Length)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var length = (int)Math.Min((ulong)_segment.Length, lastIndex - segmentIndex + 1);
                var segment = _segment.AsSpan(0, length);
                Presieve.Fill(segment, segmentIndex);
                var checks = (UInt128)striking.Strike(segment, segmentIndex);
                if (_sqrtTil > BasePrimes.CacheLimit)
                {
                    checks += StrikeUncached(segment, segmentIndex, cancellationToken);
                }

                tally += new Tally(0, checks) + CountSurvivors(segment, segmentIndex);
                if (segmentIndex + (ulong)length - 1 == lastIndex)
                {
                    return tally;
                }
            }
        }

        /// <summary>Strikes the primes in (CacheLimit, sqrt(til)], produced afresh for every segment.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private UInt128 StrikeUncached(Span<byte> segment, ulong segmentIndex, CancellationToken cancellationToken)
        {
            UInt128 checks = 0;
            var segmentStart = 2 * segmentIndex + 1;
            var segmentEnd = segmentStart + 2 * (ulong)(segment.Length - 1);
            foreach (var window in BasePrimes.Windows(BasePrimes.CacheLimit, _sqrtTil, 1 << 22))
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var prime in window.Span)
                {
                    ulong p = prime;
                    if (!TryFirstOddMultiple(p, segmentStart, out var first) || first > segmentEnd)
                    {
                        continue;
                    }

                    ulong struck = 0;
                    for (var j = (first - segmentStart) / 2; j < (ulong)segment.Length; j += p)
                    {
                        struck += segment[(int)j];
                        segment[(int)j] = 0;
                    }

                    checks += (UInt128)struck * (p - 1);
                }
            }

            return checks;
        }

        /// <summary>Unstruck numbers are the primes: each costs n - 2 checks.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static Tally CountSurvivors(Span<byte> segment, ulong segmentIndex)
        {
            ulong count = 0;
            UInt128 indexSum = 0;
            ref var flags = ref MemoryMarshal.GetReference(segment);
            var i = 0;
            for (; i + Vector256<byte>.Count <= segment.Length; i += Vector256<byte>.Count)
            {
                var block = Vector256.LoadUnsafe(ref flags, (nuint)i);
                var mask = ~Vector256.Equals(block, Vector256<byte>.Zero).ExtractMostSignificantBits();
                count += (ulong)BitOperations.PopCount(mask);
                while (mask != 0)
                {
                    indexSum += (ulong)(i + BitOperations.TrailingZeroCount(mask));
                    mask &= mask - 1;
                }
            }

            for (; i < segment.Length; i++)
            {
                if (segment[i] != 0)
                {
                    count++;
                    indexSum += (ulong)i;
                }
            }

            // Survivor at index i is n = 2 (segmentIndex + i) + 1, and costs n - 2 = 2 (segmentIndex + i) - 1 checks.
            var checks = 2 * ((UInt128)count * segmentIndex + indexSum) - count;
            return new Tally(count, checks);
        }
    }

    /// <summary>The first odd multiple of the odd prime p that is at least max(p^2, start), if there is one below 2^64.</summary>
    internal static bool TryFirstOddMultiple(ulong p, ulong start, out ulong multiple)
    {
        multiple = p * p;
        if (start <= multiple)
        {
            return true;
        }

        var remainder = start % p;
        multiple = start;
        if (remainder != 0)
        {
            if (start > ulong.MaxValue - (p - remainder))
            {
                return false;
            }

            multiple += p - remainder;
        }

        if ((multiple & 1) == 0)
        {
            if (multiple > ulong.MaxValue - p)
            {
                return false;
            }

            multiple += p;
        }

        return true;
    }

    /// <summary>
    /// The cached base primes above the presieve, each with the index of the next odd multiple it strikes,
    /// carried from segment to segment.
    /// </summary>
    private sealed class CachedPrimes
    {
        private readonly ReadOnlyMemory<uint> _primes;
        private readonly ulong[] _next;

        public CachedPrimes(ReadOnlyMemory<uint> basePrimes, uint presieved, ulong from, ulong til)
        {
            var span = basePrimes.Span;
            var start = 0;
            while (start < span.Length && span[start] <= presieved)
            {
                start++;
            }

            _primes = basePrimes[start..];
            _next = new ulong[_primes.Length];
            span = _primes.Span;
            for (var k = 0; k < span.Length; k++)
            {
                _next[k] = TryFirstOddMultiple(span[k], from, out var first) && first <= til ? (first - 1) / 2 : ulong.MaxValue;
            }
        }

        /// <summary>Strikes every cached prime's multiples in the segment; returns the checks of the numbers it struck first.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public ulong Strike(Span<byte> segment, ulong segmentIndex)
        {
            ulong checks = 0;
            var length = (ulong)segment.Length;
            ref var flags = ref MemoryMarshal.GetReference(segment);
            var primes = _primes.Span;
            for (var k = 0; k < primes.Length; k++)
            {
                var next = _next[k];
                if (next - segmentIndex >= length || next < segmentIndex)
                {
                    continue;
                }

                var p = (nint)primes[k];
                var j = (nint)(next - segmentIndex);
                var end = (nint)length;
                nint struck = 0;
                for (; j + 3 * p < end; j += 4 * p)
                {
                    ref var a = ref Unsafe.Add(ref flags, j);
                    ref var b = ref Unsafe.Add(ref flags, j + p);
                    ref var c = ref Unsafe.Add(ref flags, j + 2 * p);
                    ref var d = ref Unsafe.Add(ref flags, j + 3 * p);
                    struck += a + b + c + d;
                    a = 0;
                    b = 0;
                    c = 0;
                    d = 0;
                }

                for (; j < end; j += p)
                {
                    ref var a = ref Unsafe.Add(ref flags, j);
                    struck += a;
                    a = 0;
                }

                checks += (ulong)struck * (ulong)(p - 1);
                _next[k] = segmentIndex + (ulong)j;
            }

            return checks;
        }
    }
}
