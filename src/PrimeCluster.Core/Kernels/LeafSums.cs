using System.Runtime.CompilerServices;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// The three sums F(n) is assembled from (see <see cref="DelegliseRivat"/>): Phi, the count; Sigma, the sum; W, the
/// composites' weighted count. They are kept modulo 2^64 and 2^128, where subtraction simply wraps: each true total is
/// smaller than the modulus, so it comes out exact whatever the order of the terms and however negative a partial sum.
/// </summary>
internal struct LeafSums
{
    public ulong Phi;
    public UInt128 Sigma;
    public UInt128 W;

    /// <summary>
    /// Adds the terms of <paramref name="sign"/> mu(m): Phi += sign phi, Sigma += sign sigma (the sum already times
    /// m) and W -= sign weighted (the count already times the weight P(m) - 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int sign, ulong phi, UInt128 sigma, UInt128 weighted)
    {
        if (sign > 0)
        {
            Phi += phi;
            Sigma += sigma;
            W -= weighted;
        }
        else
        {
            Phi -= phi;
            Sigma -= sigma;
            W += weighted;
        }
    }

    public void Add(in LeafSums other)
    {
        Phi += other.Phi;
        Sigma += other.Sigma;
        W += other.W;
    }
}
