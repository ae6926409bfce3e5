namespace PrimeCluster.Core;

internal static class IntegerMath
{
    /// <summary>floor(sqrt(n)) for every 64-bit n.</summary>
    public static ulong ISqrt(ulong n)
    {
        var r = Math.Min((ulong)Math.Sqrt(n), uint.MaxValue);
        while (r * r > n)
        {
            r--;
        }

        while (r < uint.MaxValue && (r + 1) * (r + 1) <= n)
        {
            r++;
        }

        return r;
    }

    /// <summary>Binary GCD: shifts and subtractions only.</summary>
    public static ulong Gcd(ulong a, ulong b)
    {
        if (a == 0 || b == 0)
        {
            return a | b;
        }

        var shift = System.Numerics.BitOperations.TrailingZeroCount(a | b);
        a >>= System.Numerics.BitOperations.TrailingZeroCount(a);
        do
        {
            b >>= System.Numerics.BitOperations.TrailingZeroCount(b);
            if (a > b)
            {
                (a, b) = (b, a);
            }

            b -= a;
        }
        while (b != 0);

        return a << shift;
    }
}
