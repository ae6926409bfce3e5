using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// The smallest primes are never struck one multiple at a time: 2, 3 and 5 have no place in the wheel, and the next
/// ones are struck from every segment at once by laying repeating patterns over it. What they would have counted is
/// found by inclusion-exclusion over the whole range instead of number by number.
/// </summary>
internal static class Presieve
{
    /// <summary>Each pattern repeats every product-of-its-primes bytes of the wheel; the three take 77 KB.</summary>
    private static readonly uint[][] PatternPrimes = [[7, 11, 13, 17], [19, 23, 29], [31, 37, 41]];

    private static readonly uint[] Primes = [2, 3, 5, .. PatternPrimes.SelectMany(primes => primes)];

    private static readonly byte[][] Patterns = PatternPrimes.Select(CreatePattern).ToArray();

    public static uint LargestPrime => Primes[^1];

    /// <summary>Sets the flags of the segment starting at wheel byte segmentStart as the patterns have them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fill(Span<byte> segment, ulong segmentStart)
    {
        var (first, second, third) = (Patterns[0], Patterns[1], Patterns[2]);
        var a = (int)(segmentStart % (ulong)first.Length);
        var b = (int)(segmentStart % (ulong)second.Length);
        var c = (int)(segmentStart % (ulong)third.Length);
        while (!segment.IsEmpty)
        {
            // A piece over which none of the three patterns starts its period again.
            var piece = Math.Min(Math.Min(segment.Length, first.Length - a), Math.Min(second.Length - b, third.Length - c));
            And(first.AsSpan(a, piece), second.AsSpan(b, piece), third.AsSpan(c, piece), segment[..piece]);
            segment = segment[piece..];
            a = (a + piece) % first.Length;
            b = (b + piece) % second.Length;
            c = (c + piece) % third.Length;
        }
    }

    /// <summary>
    /// The tally the presieved primes account for in [lo, til] (lo at least 2): each of them that lies in the range is a
    /// prime, and each composite whose smallest prime factor is one of them costs that factor minus one.
    /// </summary>
    public static Tally Tally(ulong lo, ulong til) => til - lo < OneByOneWidth
        ? ByInclusionExclusion(lo, til, 3) + OneByOne(lo, til)
        : ByInclusionExclusion(lo, til, Primes.Length);

    /// <summary>
    /// Below this width the numbers with a presieved prime from 7 on as their smallest factor are found one by one:
    /// inclusion-exclusion over the thirteen primes costs thousands of divisions whatever the width, which a job of
    /// many narrow batches pays with each.
    /// </summary>
    internal const ulong OneByOneWidth = 1 << 12;

    /// <summary>
    /// The presieved primes from 7 on with their inverses modulo 2^64: n is a multiple of p exactly when n * inverse
    /// (mod 2^64) is at most the largest quotient, (2^64 - 1) / p. No division per number.
    /// </summary>
    private static readonly (ulong P, ulong Inverse, ulong Largest)[] Divisibility = Primes[3..]
        .Select(p => ((ulong)p, Inverse(p), ulong.MaxValue / p)).ToArray();

    /// <summary>The part of the first <paramref name="primes"/> presieved primes, by inclusion-exclusion.</summary>
    internal static Tally ByInclusionExclusion(ulong lo, ulong til, int primes)
    {
        var tally = Core.Tally.Zero;
        for (var k = 0; k < primes; k++)
        {
            ulong p = Primes[k];
            var own = lo <= p && p <= til ? 1UL : 0UL;
            if (own == 1)
            {
                tally += new Tally(1, p - 2);
            }

            var withSpf = WithoutSmallerFactors(k, 0, p, 1, lo, til) - own;
            tally += new Tally(0, (UInt128)(ulong)withSpf * (p - 1));
        }

        return tally;
    }

    /// <summary>The primes from 7 on: each number of a narrow range coprime to 30 is tried against them in turn.</summary>
    private static Tally OneByOne(ulong lo, ulong til)
    {
        var tally = Core.Tally.Zero;
        for (var n = lo; ; n++)
        {
            if (n % 2 != 0 && n % 3 != 0 && n % 5 != 0)
            {
                foreach (var (p, inverse, largest) in Divisibility)
                {
                    if (n * inverse <= largest)
                    {
                        tally += n == p ? new Tally(1, p - 2) : new Tally(0, p - 1);
                        break;
                    }
                }
            }

            if (n == til)
            {
                return tally;
            }
        }
    }

    /// <summary>The inverse of an odd number modulo 2^64, by Newton's iteration (each step doubles the correct bits).</summary>
    private static ulong Inverse(ulong p)
    {
        var inverse = p;
        for (var i = 0; i < 5; i++)
        {
            inverse *= 2 - (p * inverse);
        }

        return inverse;
    }

    /// <summary>
    /// Multiples of <paramref name="modulus"/> in [lo, til], signed, with inclusion-exclusion over the primes
    /// Primes[next .. k - 1]; products beyond til have no multiples there and are skipped.
    /// </summary>
    private static Int128 WithoutSmallerFactors(int k, int next, ulong modulus, int sign, ulong lo, ulong til)
    {
        Int128 count = sign * (Int128)(til / modulus - (lo - 1) / modulus);
        for (var i = next; i < k; i++)
        {
            if (modulus <= til / Primes[i])
            {
                count += WithoutSmallerFactors(k, i + 1, modulus * Primes[i], -sign, lo, til);
            }
        }

        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void And(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, Span<byte> target)
    {
        ref var x = ref MemoryMarshal.GetReference(first);
        ref var y = ref MemoryMarshal.GetReference(second);
        ref var z = ref MemoryMarshal.GetReference(third);
        ref var to = ref MemoryMarshal.GetReference(target);
        var i = 0;
        for (; i + Vector256<byte>.Count <= target.Length; i += Vector256<byte>.Count)
        {
            var flags = Vector256.LoadUnsafe(ref x, (nuint)i) & Vector256.LoadUnsafe(ref y, (nuint)i) & Vector256.LoadUnsafe(ref z, (nuint)i);
            flags.StoreUnsafe(ref to, (nuint)i);
        }

        for (; i < target.Length; i++)
        {
            Unsafe.Add(ref to, i) = (byte)(Unsafe.Add(ref x, i) & Unsafe.Add(ref y, i) & Unsafe.Add(ref z, i));
        }
    }

    /// <summary>
    /// Flags for one period of wheel bytes: a bit is 1 where its number has none of the primes as a factor. Each
    /// prime's multiples are struck where the wheel puts them, so building the patterns costs little at start-up.
    /// </summary>
    private static byte[] CreatePattern(uint[] primes)
    {
        var period = primes.Aggregate(1, (product, p) => product * (int)p);
        var pattern = new byte[period];
        pattern.AsSpan().Fill(byte.MaxValue);
        foreach (ulong p in primes)
        {
            for (var cycle = 0UL; cycle < (ulong)period; cycle += p)
            {
                for (var j = 0; j < 8; j++)
                {
                    var offset = Wheel.Offset(p, j);
                    pattern[cycle + (offset >> 3)] &= (byte)~(1 << (int)(offset & 7));
                }
            }
        }

        return pattern;
    }
}
