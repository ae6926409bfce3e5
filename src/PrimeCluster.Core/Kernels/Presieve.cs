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
    /// <summary>Each pattern repeats every product-of-its-primes cycles of the wheel; three short ones fit in L2.</summary>
    private static readonly uint[][] PatternPrimes = [[7, 11, 13, 17], [19, 23, 29], [31, 37, 41]];

    private static readonly uint[] Primes = [2, 3, 5, .. PatternPrimes.SelectMany(primes => primes)];

    private static readonly byte[][] Patterns = PatternPrimes.Select(CreatePattern).ToArray();

    public static uint LargestPrime => Primes[^1];

    /// <summary>Sets the flags of the segment starting at wheel index segmentStart (a cycle's first) as the patterns have them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fill(Span<byte> segment, ulong segmentStart)
    {
        Lay(Patterns[0], segment, segmentStart, copy: true);
        for (var k = 1; k < Patterns.Length; k++)
        {
            Lay(Patterns[k], segment, segmentStart, copy: false);
        }
    }

    /// <summary>
    /// The tally the presieved primes account for in [lo, til] (lo at least 2): each of them that lies in the range is a
    /// prime, and each composite whose smallest prime factor is one of them costs that factor minus one.
    /// </summary>
    public static Tally Tally(ulong lo, ulong til)
    {
        var tally = Core.Tally.Zero;
        for (var k = 0; k < Primes.Length; k++)
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

    /// <summary>Copies, or ands, the pattern's flags from the segment's place in its period onto the segment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Lay(byte[] pattern, Span<byte> segment, ulong segmentStart, bool copy)
    {
        var offset = (int)(segmentStart % (ulong)pattern.Length);
        while (!segment.IsEmpty)
        {
            var piece = Math.Min(segment.Length, pattern.Length - offset);
            var source = pattern.AsSpan(offset, piece);
            if (copy)
            {
                source.CopyTo(segment);
            }
            else
            {
                And(source, segment[..piece]);
            }

            segment = segment[piece..];
            offset = 0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void And(ReadOnlySpan<byte> source, Span<byte> target)
    {
        ref var from = ref MemoryMarshal.GetReference(source);
        ref var to = ref MemoryMarshal.GetReference(target);
        var i = 0;
        for (; i + Vector256<byte>.Count <= target.Length; i += Vector256<byte>.Count)
        {
            (Vector256.LoadUnsafe(ref from, (nuint)i) & Vector256.LoadUnsafe(ref to, (nuint)i)).StoreUnsafe(ref to, (nuint)i);
        }

        for (; i < target.Length; i++)
        {
            Unsafe.Add(ref to, i) &= Unsafe.Add(ref from, i);
        }
    }

    /// <summary>Flags for one period of wheel indices: 1 where the number has none of the primes as a factor.</summary>
    private static byte[] CreatePattern(uint[] primes)
    {
        var period = primes.Aggregate(8, (product, p) => product * (int)p);
        var pattern = new byte[period];
        for (var i = 0; i < period; i++)
        {
            var n = Wheel.NumberAt((ulong)i);
            pattern[i] = primes.Any(p => n % p == 0) ? (byte)0 : (byte)1;
        }

        return pattern;
    }
}
