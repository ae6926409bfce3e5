namespace PrimeCluster.Core.Kernels;

/// <summary>
/// Primality and smallest prime factors of single 64-bit numbers: trial division by small primes, a deterministic
/// Miller-Rabin test and Pollard-Brent factoring, all in Montgomery arithmetic. Used where a range is too narrow,
/// and its numbers too large, for a sieve to pay off; and by the tests as an independent closed form.
/// </summary>
public static class PrimeFactors
{
    /// <summary>Trial division covers every prime below this before the heavier tests run.</summary>
    private const uint TrialLimit = 1024;

    private static readonly uint[] SmallPrimes = BasePrimes.OddPrimesUpTo(TrialLimit).Prepend(2u).ToArray();

    /// <summary>Bases that make Miller-Rabin deterministic for every n &lt; 3.3 * 10^24.</summary>
    private static readonly ulong[] WitnessBases = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];

    public static bool IsPrime(ulong n)
    {
        if (n < 2)
        {
            return false;
        }

        foreach (var p in SmallPrimes)
        {
            if (n % p == 0)
            {
                return n == p;
            }
        }

        return n < (ulong)TrialLimit * TrialLimit || PassesMillerRabin(n);
    }

    /// <summary>The smallest prime factor of n (n itself when n is prime); n must be at least 2.</summary>
    public static ulong SmallestPrimeFactor(ulong n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2UL);
        foreach (var p in SmallPrimes)
        {
            if (n % p == 0)
            {
                return p;
            }
        }

        return SmallestFactorOfRough(n);
    }

    /// <summary>The closed form of the article's count for one number: n - 2 checks for a prime, spf(n) - 1 otherwise.</summary>
    public static Tally TallyOf(ulong n)
    {
        if (n < 2)
        {
            return Tally.Zero;
        }

        var spf = SmallestPrimeFactor(n);
        return spf == n ? new Tally(1, n - 2) : new Tally(0, spf - 1);
    }

    /// <summary>n has no prime factor below <see cref="TrialLimit"/>.</summary>
    private static ulong SmallestFactorOfRough(ulong n)
    {
        if (n < (ulong)TrialLimit * TrialLimit || PassesMillerRabin(n))
        {
            return n;
        }

        var factor = PollardBrent(n);
        return Math.Min(SmallestFactorOfRough(factor), SmallestFactorOfRough(n / factor));
    }

    private static bool PassesMillerRabin(ulong n)
    {
        var m = new Montgomery(n);
        var d = n - 1;
        var s = System.Numerics.BitOperations.TrailingZeroCount(d);
        d >>= s;
        var one = m.One;
        var minusOne = m.ToMontgomery(n - 1);
        foreach (var a in WitnessBases)
        {
            var x = m.Pow(m.ToMontgomery(a % n), d);
            if (x == one || x == minusOne)
            {
                continue;
            }

            var witness = true;
            for (var r = 1; r < s; r++)
            {
                x = m.Multiply(x, x);
                if (x == minusOne)
                {
                    witness = false;
                    break;
                }
            }

            if (witness)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A non-trivial factor of the odd composite n.</summary>
    private static ulong PollardBrent(ulong n)
    {
        var m = new Montgomery(n);
        for (ulong c = 1; ; c++)
        {
            var increment = m.ToMontgomery(c);
            ulong Step(ulong x) => m.Add(m.Multiply(x, x), increment);

            ulong y = m.ToMontgomery(2), x = y, saved = y, g = 1, product = m.One;
            const int batch = 128;
            for (ulong length = 1; g == 1; length <<= 1)
            {
                x = y;
                for (ulong i = 0; i < length; i++)
                {
                    y = Step(y);
                }

                for (ulong done = 0; done < length && g == 1; done += batch)
                {
                    saved = y;
                    var steps = Math.Min(batch, length - done);
                    for (ulong i = 0; i < steps; i++)
                    {
                        y = Step(y);
                        product = m.Multiply(product, x > y ? x - y : y - x);
                    }

                    g = IntegerMath.Gcd(product, n);
                }
            }

            if (g == n)
            {
                // The batch overshot: walk it again one step at a time.
                do
                {
                    saved = Step(saved);
                    g = IntegerMath.Gcd(x > saved ? x - saved : saved - x, n);
                }
                while (g == 1);
            }

            if (g != n)
            {
                return g;
            }
        }
    }

    /// <summary>Arithmetic modulo an odd n in Montgomery form, with R = 2^64.</summary>
    private readonly struct Montgomery
    {
        private readonly ulong _n;
        private readonly ulong _negInverse;
        private readonly ulong _rSquared;

        public Montgomery(ulong n)
        {
            _n = n;
            // Newton's iteration doubles the correct low bits of n^-1 mod 2^64 each round; n * n is correct to 3 bits.
            var inverse = n;
            for (var i = 0; i < 5; i++)
            {
                inverse *= 2 - n * inverse;
            }

            _negInverse = 0 - inverse;
            var r = (UInt128.One << 64) % n;
            _rSquared = (ulong)(r * r % n);
            One = (ulong)r;
        }

        public ulong One { get; }

        public ulong ToMontgomery(ulong a) => Multiply(a, _rSquared);

        public ulong Multiply(ulong a, ulong b)
        {
            var hi = Math.BigMul(a, b, out var lo);
            var mHi = Math.BigMul(lo * _negInverse, _n, out _);
            // lo + (lo * negInverse * n) mod 2^64 is zero, and carries exactly when lo is not.
            var t = (UInt128)hi + mHi + (lo != 0 ? 1UL : 0UL);
            return (ulong)(t >= _n ? t - _n : t);
        }

        public ulong Add(ulong a, ulong b)
        {
            var t = (UInt128)a + b;
            return (ulong)(t >= _n ? t - _n : t);
        }

        public ulong Pow(ulong baseValue, ulong exponent)
        {
            var result = One;
            while (exponent != 0)
            {
                if ((exponent & 1) != 0)
                {
                    result = Multiply(result, baseValue);
                }

                baseValue = Multiply(baseValue, baseValue);
                exponent >>= 1;
            }

            return result;
        }
    }
}
