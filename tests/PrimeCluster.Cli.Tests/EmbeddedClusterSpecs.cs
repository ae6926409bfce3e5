using PrimeCluster.Cli.Cluster;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;

namespace PrimeCluster.Cli.Tests;

public sealed class EmbeddedClusterSpecs
{
    [Theory]
    [InlineData(10, 20, Algorithm.Trial, false)]
    [InlineData(1, 1_000, Algorithm.Sieve, false)]
    [InlineData(1, 300_000, Algorithm.Trial, true)]
    [InlineData(0, 1_000_000_000, Algorithm.Sieve, true)]
    public void Warm_up_should_come_only_before_a_job_longer_than_itself(ulong from, ulong til, Algorithm algorithm, bool warmsUp)
    {
        Assert.Equal(warmsUp, EmbeddedCluster.WarmsUpFor(new JobSpec(new NumberRange(from, til), algorithm)));
    }
}
