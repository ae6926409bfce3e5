using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Core.Tests.Kernels;

public sealed class PrimeFactorsSpecs
{
    [Theory]
    [InlineData(2UL)]
    [InlineData(3UL)]
    [InlineData(1_000_003UL)]
    [InlineData(4_294_967_291UL)]
    [InlineData(4_294_967_311UL)]
    [InlineData(2_305_843_009_213_693_951UL)]
    [InlineData(18_446_744_073_709_551_557UL)]
    public void IsPrime_should_accept_primes(ulong prime)
    {
        Assert.True(PrimeFactors.IsPrime(prime));
        Assert.Equal(prime, PrimeFactors.SmallestPrimeFactor(prime));
    }

    [Theory]
    [InlineData(561UL, 3UL)]
    [InlineData(3_215_031_751UL, 151UL)]
    [InlineData(3_825_123_056_546_413_051UL, 149_491UL)]
    [InlineData(18_446_744_030_759_878_681UL, 4_294_967_291UL)]
    [InlineData(18_446_743_979_220_271_189UL, 4_294_967_279UL)]
    [InlineData(1_152_921_470_247_108_503UL, 1_073_741_789UL)]
    [InlineData(18_446_744_073_709_551_615UL, 3UL)]
    public void SmallestPrimeFactor_should_find_the_least_factor_of_composites_and_pseudoprimes(ulong composite, ulong spf)
    {
        Assert.False(PrimeFactors.IsPrime(composite));
        Assert.Equal(spf, PrimeFactors.SmallestPrimeFactor(composite));
    }

    [Fact]
    public void SmallestPrimeFactor_should_match_trial_division_on_random_numbers()
    {
        var random = new Random(11);
        for (var i = 0; i < 300; i++)
        {
            var n = (ulong)random.NextInt64(2, 1L << 36);
            Assert.True(TrialSmallestFactor(n) == PrimeFactors.SmallestPrimeFactor(n), $"spf({n})");
        }
    }

    [Fact]
    public void SmallestPrimeFactor_should_refuse_numbers_below_two()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PrimeFactors.SmallestPrimeFactor(1));
    }

    private static ulong TrialSmallestFactor(ulong n)
    {
        for (ulong d = 2; d * d <= n; d++)
        {
            if (n % d == 0)
            {
                return d;
            }
        }

        return n;
    }
}
