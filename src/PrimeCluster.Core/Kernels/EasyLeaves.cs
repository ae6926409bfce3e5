using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// The easy leaves: m = d p_k with p_k &lt;= v &lt; p_k^2 for v = n / m, and v &lt;= y, within the table of pi. Below p_k^2 every odd number
/// left by the first k - 1 primes is 1 or a prime from p_k on, so Phi_(k-1)(v) = 1 + pi'(v) - (k - 1) and
/// Sigma_(k-1)(v) = 1 + PS(pi'(v)) - PS(k - 1), pi' counting odd primes and PS summing the first of them.
/// </summary>
internal static class EasyLeaves
{
    public static LeafSums Sum(DelegliseRivat f)
    {
        var total = Root(f);
        var gate = new Lock();
        Parallel.For(DelegliseRivat.TinyLevels + 1, f.Primes.Pi(f.Y - 1) + 1, f.Parallel, () => default(LeafSums), (k, _, sums) =>
        {
            OfLevel(f, k, ref sums);
            return sums;
        }, sums =>
        {
            lock (gate)
            {
                total.Add(sums);
            }
        });

        return total;
    }

    /// <summary>The root's easy leaves, d = 1: the primes p_k &gt; y whose n / p_k is at most y (sign -1, weight p_k - 1).</summary>
    private static LeafSums Root(DelegliseRivat f)
    {
        var primes = f.Primes;
        var sums = default(LeafSums);
        var from = Math.Max(Math.Max(DelegliseRivat.TinyLevels, primes.Pi(f.Y)), primes.PiAtMost(f.N / (f.Y + 1), f.B));
        for (var k = from + 1; k <= f.B; k++)
        {
            var p = primes[k];
            var pi = primes.Pi(f.N / p);
            var phi = (ulong)(pi - k + 2);
            sums.Add(-1, phi, Math.BigMul(p, primes.Sums[pi] - primes.Sums[k - 1] + 1), Math.BigMul(p - 1, phi));
        }

        return sums;
    }

    /// <summary>The easy leaves of level k - 1 below the nodes d &gt; 1.</summary>
    private static void OfLevel(DelegliseRivat f, int k, ref LeafSums sums)
    {
        var primes = f.Primes;
        var p = primes[k];
        var nk = f.N / p;

        // d > p_k (its smallest prime factor is larger), d p_k > y (a leaf), v < p_k^2, v <= y; d <= y, v >= p_k.
        var dLo = Math.Max(Math.Max(f.Y / p, nk / (p * p)), Math.Max(nk / (f.Y + 1), p));
        var dHi = Math.Min(f.Y, nk / p);
        if (dHi <= dLo)
        {
            return;
        }

        var constant = (ulong)k - 2;
        var psBefore = primes.Sums[k - 1] - 1;
        if (p * p <= f.Y)
        {
            OfLevelWithComposites(f, k, dLo, dHi, ref sums);
            return;
        }

        // Above sqrt y every d is a prime d = p_j > p_k: sign +1, weight d - 1. Gathered as sums over d, times p_k
        // at the end: phi = pi'(v) - (k - 2), sigma = PS(pi'(v)) - psBefore.
        var jLo = Math.Max(primes.Pi(dLo), k);
        var j = primes.Pi(dHi);
        var nkd = (double)nk;
        ulong phiSum = 0;
        UInt128 sigmaSum = 0, weighted = 0;

        // Above sqrt(n / p_k), consecutive d share pi'(v): one run per value q of it, the d with
        // p_q <= n / (p_k d) < p_(q+1), indexes (b_(q+1), b_q] with b_q = pi'(n / (p_k p_q)).
        var clusteredLo = Math.Max(jLo, primes.Pi(IntegerMath.ISqrt(nk)));
        if (j > clusteredLo)
        {
            var upper = j;
            var qMax = primes.Pi((ulong)(nkd / primes[clusteredLo + 1]));
            for (var q = primes.Pi((ulong)(nkd / primes[j])); q <= qMax; q++)
            {
                var lower = Math.Max(primes.Pi((ulong)(nkd / primes[q + 1])), clusteredLo);
                if (upper > lower)
                {
                    var phi = (ulong)q - constant;
                    var count = (ulong)(upper - lower);
                    var dSum = primes.Sums[upper] - primes.Sums[lower];
                    phiSum += count * phi;
                    sigmaSum += Math.BigMul(dSum, primes.Sums[q] - psBefore);
                    weighted += Math.BigMul(dSum - count, phi);
                    upper = lower;
                }
            }

            j = clusteredLo;
        }

        var (pis, sigmas, products) = Sparse(primes, jLo, j, nkd, psBefore);
        var leaves = (ulong)(j - jLo);
        phiSum += pis - (constant * leaves);
        sigmaSum += sigmas;
        weighted += products - Math.BigMul(constant, primes.Sums[j] - primes.Sums[jLo] - leaves);
        sums.Add(1, phiSum, sigmaSum * p, weighted);
    }

    /// <summary>
    /// For the primes d = p_j, jLo &lt; j &lt;= jHi, one by one: the sums of pi'(v), of d (PS(pi'(v)) - psBefore) and of
    /// (d - 1) pi'(v), v = n / (p_k d).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (ulong Pis, UInt128 Sigmas, UInt128 Products) Sparse(PrimeTable table, int jLo, int jHi, double nkd, ulong psBefore)
    {
        ref var primes = ref MemoryMarshal.GetArrayDataReference(table.Primes);
        ref var primeSums = ref MemoryMarshal.GetArrayDataReference(table.Sums);
        ulong pis = 0, sigmaLow = 0, sigmaHigh = 0, productLow = 0, productHigh = 0;
        for (var j = jHi; j > jLo; j--)
        {
            var d = Unsafe.Add(ref primes, j);
            var pi = (ulong)table.PiOfOdd(((ulong)(nkd / d) - 1) >> 1);
            pis += pi;

            // 128-bit sums by hand: UInt128 locals cost this loop its registers.
            var high = Math.BigMul(d, Unsafe.Add(ref primeSums, (nint)pi) - psBefore, out var low);
            sigmaLow += low;
            sigmaHigh += high + (sigmaLow < low ? 1UL : 0UL);
            var product = (d - 1) * pi;
            productLow += product;
            productHigh += productLow < product ? 1UL : 0UL;
        }

        return (pis, new UInt128(sigmaHigh, sigmaLow), new UInt128(productHigh, productLow));
    }

    /// <summary>Levels with p_k^2 &lt;= y, where d may be composite: sign and weight from the factor table.</summary>
    private static void OfLevelWithComposites(DelegliseRivat f, int k, ulong dLo, ulong dHi, ref LeafSums sums)
    {
        var primes = f.Primes;
        var p = primes[k];
        var nkd = (double)(f.N / p);
        var constant = (ulong)k - 2;
        var psBefore = primes.Sums[k - 1] - 1;
        for (var d = (dHi - 1) | 1; d > dLo; d -= 2)
        {
            var h = (int)(d / 2);
            var mu = f.Factors.Mu[h];
            if (mu == 0 || f.Factors.Smallest[h] <= k)
            {
                continue;
            }

            var pi = primes.Pi((ulong)(nkd / d));
            var phi = (ulong)pi - constant;
            sums.Add(-mu, phi, Math.BigMul(d * p, primes.Sums[pi] - psBefore), Math.BigMul(primes[f.Factors.Largest[h]] - 1, phi));
        }
    }
}
