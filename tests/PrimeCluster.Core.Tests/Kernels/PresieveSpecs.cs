using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Core.Tests.Kernels;

public sealed class PresieveSpecs
{
    public static TheoryData<ulong> Magnitudes => [2, 1_000, 1UL << 32, 1_000_000_007, 1UL << 52, ulong.MaxValue - 6_000];

    [Theory]
    [MemberData(nameof(Magnitudes))]
    public void Narrow_ranges_counted_one_by_one_should_match_inclusion_exclusion(ulong magnitude)
    {
        var random = new Random(unchecked((int)magnitude));
        for (var i = 0; i < 200; i++)
        {
            var lo = Math.Max(2UL, magnitude + (ulong)random.Next(0, 1_000));
            var til = lo + (ulong)random.Next(0, (int)Presieve.OneByOneWidth);

            Assert.Equal(Presieve.ByInclusionExclusion(lo, til, 13), Presieve.Tally(lo, til));
        }
    }

    [Fact]
    public void The_presieved_primes_themselves_should_count_as_primes_one_by_one()
    {
        // [2, 43] holds the thirteen presieved primes, 2 to 41, and the composites whose smallest factor they are.
        Assert.Equal(Presieve.ByInclusionExclusion(2, 43, 13), Presieve.Tally(2, 43));
        Assert.Equal(13UL, Presieve.Tally(2, 41).PrimeCount);
    }
}
