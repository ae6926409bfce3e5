using System.Numerics;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// The smallest odd primes are struck from every segment at once by copying a repeating pattern, and what they would
/// have counted is found by inclusion-exclusion over the whole range instead of number by number.
/// </summary>
internal static class Presieve
{
    private static readonly uint[] Primes = [3, 5, 7, 11, 13, 17];

    /// <summary>Flags for odd indices j (n = 2j + 1): 1 when n has none of <see cref="Primes"/> as a factor.</summary>
    private static readonly byte[] Pattern = CreatePattern();

    public static uint LargestPrime => Primes[^1];

    /// <summary>Sets the flags of the odd numbers at indices segmentIndex, segmentIndex + 1, ... as the pattern has them.</summary>
    public static void Fill(Span<byte> segment, ulong segmentIndex)
    {
        var offset = (int)(segmentIndex % (ulong)Pattern.Length);
        while (!segment.IsEmpty)
        {
            var piece = Math.Min(segment.Length, Pattern.Length - offset);
            Pattern.AsSpan(offset, piece).CopyTo(segment);
            segment = segment[piece..];
            offset = 0;
        }
    }

    /// <summary>
    /// The tally the presieved primes account for among the odd numbers of [from, til]: each of them that lies in the
    /// range is a prime, and each odd composite whose smallest prime factor is one of them costs that factor minus one.
    /// </summary>
    public static Tally Tally(ulong from, ulong til)
    {
        var tally = Core.Tally.Zero;
        for (var k = 0; k < Primes.Length; k++)
        {
            ulong p = Primes[k];
            var ownMultiples = from <= p && p <= til ? 1UL : 0UL;
            if (ownMultiples == 1)
            {
                tally += new Tally(1, p - 2);
            }

            // Odd multiples of p with no smaller odd prime factor: inclusion-exclusion over the smaller primes.
            var withSpf = 0L;
            for (var subset = 0; subset < 1 << k; subset++)
            {
                var modulus = p;
                for (var i = 0; i < k; i++)
                {
                    if ((subset & (1 << i)) != 0)
                    {
                        modulus *= Primes[i];
                    }
                }

                var multiples = (long)OddMultiples(modulus, from, til);
                withSpf += int.IsOddInteger(BitOperations.PopCount((uint)subset)) ? -multiples : multiples;
            }

            tally += new Tally(0, (UInt128)(ulong)(withSpf - (long)ownMultiples) * (p - 1));
        }

        return tally;
    }

    /// <summary>How many odd multiples of the odd number m lie in [from, til].</summary>
    private static ulong OddMultiples(ulong m, ulong from, ulong til)
    {
        // Odd multiples are m * k for odd k; odd k in [0, x] number (x + 1) / 2.
        var high = til / m;
        var low = from == 0 ? 0 : (from - 1) / m;
        return (high + 1) / 2 - (low + 1) / 2;
    }

    private static byte[] CreatePattern()
    {
        var period = Primes.Aggregate(1, (product, p) => product * (int)p);
        var pattern = new byte[period];
        for (var j = 0; j < period; j++)
        {
            var n = 2L * j + 1;
            pattern[j] = Primes.Any(p => n % p == 0) ? (byte)0 : (byte)1;
        }

        return pattern;
    }
}
