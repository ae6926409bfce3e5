using System.Numerics;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// One divisibility test per lane with floating-point lanes: k = round(n * (1/d)), then r = k*d - n in a single
/// fused multiply-add. d divides n exactly when r == 0.
/// </summary>
/// <remarks>
/// Why it is exact below <see cref="ExactBelow"/> (p = 24 bits for float, 53 for double; n, d &lt; 2^(p-2)):
/// 1/d is correctly rounded and so is the product, so n*(1/d) = (n/d)(1 + e) with |e| &lt; 2^(1-p).
/// When d divides n, m = n/d &lt;= n/2 and |m*e| &lt; 1/2, so k = m and r = 0. The fused k*d - n is computed exactly and is
/// an integer below 2^p in magnitude, so r is zero precisely when k*d == n, which never holds when d does not divide n.
/// </remarks>
internal interface ILaneArithmetic<T>
    where T : unmanaged, INumber<T>
{
    /// <summary>Every n below this bound (and every d below n) is tested exactly in these lanes.</summary>
    static abstract ulong ExactBelow { get; }

    static abstract Vector<T> Residue(Vector<T> negatedN, Vector<T> n, Vector<T> d, Vector<T> reciprocal);
}

internal readonly struct SingleLanes : ILaneArithmetic<float>
{
    public static ulong ExactBelow => 1UL << 22;

    public static Vector<float> Residue(Vector<float> negatedN, Vector<float> n, Vector<float> d, Vector<float> reciprocal) =>
        Vector.FusedMultiplyAdd(Vector.Round(n * reciprocal), d, negatedN);
}

internal readonly struct DoubleLanes : ILaneArithmetic<double>
{
    // 2^51 would still be exact; one bit of margin costs nothing, since a prime this large needs 2^50 checks.
    public static ulong ExactBelow => 1UL << 50;

    public static Vector<double> Residue(Vector<double> negatedN, Vector<double> n, Vector<double> d, Vector<double> reciprocal) =>
        Vector.FusedMultiplyAdd(Vector.Round(n * reciprocal), d, negatedN);
}
