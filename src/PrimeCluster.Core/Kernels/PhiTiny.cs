namespace PrimeCluster.Core.Kernels;

/// <summary>
/// Phi_l(v) and Sigma_l(v), the count and the sum of the odd m &lt;= v that none of p_1 .. p_l divides, for the
/// smallest levels l: the odd numbers prime to p_1 ... p_l repeat with period M = 2 p_1 ... p_l, so one period's
/// running counts and sums give any v. Exact while Sigma_l(v) fits 64 bits (v &lt; 2^33).
/// </summary>
internal sealed class PhiTiny
{
    private static readonly ulong[] SmallPrimes = [3, 5, 7, 11, 13, 17, 19, 23];

    private readonly ulong[] _period;
    private readonly ulong[] _totient;
    private readonly uint[][] _count;
    private readonly ulong[][] _sum;

    /// <param name="levels">The levels 0 .. levels - 1 are kept.</param>
    public PhiTiny(int levels)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(levels, SmallPrimes.Length + 1);
        _period = new ulong[levels];
        _totient = new ulong[levels];
        _count = new uint[levels][];
        _sum = new ulong[levels][];
        ulong period = 2, totient = 1;
        for (var l = 0; l < levels; l++)
        {
            if (l > 0)
            {
                period *= SmallPrimes[l - 1];
                totient *= SmallPrimes[l - 1] - 1;
            }

            _period[l] = period;
            _totient[l] = totient;

            // Entry i: the count and the sum of the odd m <= 2i + 1 prime to p_1 .. p_l.
            var count = new uint[period / 2];
            var sum = new ulong[period / 2];
            uint c = 0;
            ulong s = 0;
            for (ulong i = 0; i < period / 2; i++)
            {
                var m = (2 * i) + 1;
                if (SmallPrimes.Take(l).All(p => m % p != 0))
                {
                    c++;
                    s += m;
                }

                count[i] = c;
                sum[i] = s;
            }

            _count[l] = count;
            _sum[l] = sum;
        }
    }

    public int Levels => _period.Length;

    public (ulong Phi, ulong Sigma) At(int level, ulong v)
    {
        var period = _period[level];
        var q = v / period;
        var r = v % period;
        var (c, s) = r == 0 ? (0UL, 0UL) : (_count[level][(r - 1) / 2], _sum[level][(r - 1) / 2]);

        // q whole periods: the j-th (from 0) holds totient numbers summing to totient (j M + M / 2), the numbers
        // pairing off as m and M - m; then the partial period, shifted by q M.
        var totient = _totient[level];
        return ((q * totient) + c, (totient * (period / 2) * q * q) + (q * period * c) + s);
    }
}
