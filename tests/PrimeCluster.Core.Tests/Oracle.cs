using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Core.Tests;

/// <summary>Independent answers to compare the kernels with.</summary>
internal static class Oracle
{
    /// <summary>The closed form number by number: n - 2 checks for a prime, spf(n) - 1 for a composite.</summary>
    public static Tally ClosedForm(ulong from, ulong til)
    {
        var tally = Tally.Zero;
        if (til < Math.Max(from, 2UL))
        {
            return tally;
        }

        for (var n = Math.Max(from, 2UL); ; n++)
        {
            tally += PrimeFactors.TallyOf(n);
            if (n == til)
            {
                return tally;
            }
        }
    }

    /// <summary>
    /// The widest window [lo, hi] around <paramref name="center"/> (at most <paramref name="reach"/> on each side) whose
    /// numbers are all composite with a smallest prime factor below <paramref name="maxSpf"/>: cheap for any kernel.
    /// </summary>
    public static (ulong Lo, ulong Hi) CheapCompositeWindow(ulong center, ulong maxSpf, int reach)
    {
        static bool Cheap(ulong n, ulong maxSpf) => n >= 4 && PrimeFactors.SmallestPrimeFactor(n) is var p && p != n && p < maxSpf;

        if (!Cheap(center, maxSpf))
        {
            throw new InvalidOperationException($"{center} itself is not a cheap composite.");
        }

        var lo = center;
        var hi = center;
        for (var i = 0; i < reach && lo > 0 && Cheap(lo - 1, maxSpf); i++)
        {
            lo--;
        }

        for (var i = 0; i < reach && hi < ulong.MaxValue && Cheap(hi + 1, maxSpf); i++)
        {
            hi++;
        }

        return (lo, hi);
    }
}
