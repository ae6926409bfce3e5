using PrimeCluster.Core.Planning;

namespace PrimeCluster.Core.Tests.Planning;

public sealed class TrialCostSpecs
{
    [Theory]
    [InlineData(1UL, 100_000_000UL, "--algorithm formula gives the same answer in about ")]
    [InlineData(1UL, 10_000_000_000_000UL, "--algorithm formula gives the same answer in about ")]
    [InlineData(1_000_000_000_000UL, 1_000_000_100_000UL, "--algorithm sieve gives the same answer in about ")]
    [InlineData(1UL << 50, (1UL << 50) + 1_000_000_000, "--algorithm sieve gives the same answer in about ")]
    public void Describe_should_suggest_whatever_gives_the_answer_soonest(ulong from, ulong til, string suggestion)
    {
        var cost = TrialCost.Of(new NumberRange(from, til), CostModel.TrialChecksPerSecond, exactWithin: TimeSpan.Zero);

        Assert.Contains(suggestion, cost.Describe(), StringComparison.Ordinal);
    }
}
