using PrimeCluster.Core.Planning;

namespace PrimeCluster.Core.Tests.Planning;

public sealed class ClusterPaceSpecs
{
    /// <summary>Numbers from 2^22 on, all in double-precision lanes.</summary>
    private static readonly NumberRange Large = new(20_000_000, 20_100_000);

    /// <summary>Numbers below 2^22, all in single-precision lanes.</summary>
    private static readonly NumberRange Small = new(1, 2_000_000);

    [Fact]
    public void Cores_should_count_the_workers_of_one_host_as_that_hosts_cores_once()
    {
        // The one-machine recipe: two worker nodes of one worker actor per core, on a two-core host.
        var recipe = Enumerable.Repeat(new WorkerHost("127.0.0.1", 2), 4);

        Assert.Equal(2, ClusterPace.Cores(recipe));
        Assert.Equal(2, ClusterPace.Cores([new WorkerHost("LOCALHOST", 2), new WorkerHost("localhost", 2), new WorkerHost("localhost", 2)]));
    }

    [Fact]
    public void Cores_should_add_up_hosts_and_count_no_more_cores_than_a_host_has_workers()
    {
        WorkerHost[] workers = [new("10.0.0.1", 8), new("10.0.0.1", 8), new("10.0.0.2", 4), new("10.0.0.3", 1), new("10.0.0.3", 1)];

        Assert.Equal(2 + 1 + 1, ClusterPace.Cores(workers));
        Assert.Equal(0, ClusterPace.Cores([]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(int.MinValue)]
    public void A_host_that_reports_no_cores_or_nonsense_should_count_a_core_a_worker(int reported)
    {
        Assert.Equal(3, ClusterPace.Cores(Enumerable.Repeat(new WorkerHost("10.0.0.9", reported), 3)));
    }

    [Fact]
    public void A_host_that_claims_more_cores_than_any_has_should_be_believed_only_up_to_the_bound()
    {
        var claims = Enumerable.Repeat(new WorkerHost("10.0.0.9", int.MaxValue), ClusterPace.MaxCoresPerHost + 500);

        Assert.Equal(ClusterPace.MaxCoresPerHost, ClusterPace.Cores(claims));
    }

    [Fact]
    public void Before_any_measurement_the_pace_should_be_the_nominal_one_per_core_and_twice_that_in_single_precision_lanes()
    {
        Assert.Equal(2 * CostModel.TrialChecksPerSecond, ClusterPace.ChecksPerSecond(Large, 2, []), 1e-6 * CostModel.TrialChecksPerSecond);
        Assert.Equal(2 * 2 * CostModel.TrialChecksPerSecond, ClusterPace.ChecksPerSecond(Small, 2, []), 1e-6 * CostModel.TrialChecksPerSecond);

        // A range across 2^22 weighs both by their checks; by far most are above, where the numbers are larger.
        var across = ClusterPace.ChecksPerSecond(new NumberRange(1, 20_000_000), 1, []);
        Assert.InRange(across, CostModel.TrialChecksPerSecond, 1.1 * CostModel.TrialChecksPerSecond);

        // No workers yet: the pace of one core, not none.
        Assert.Equal(ClusterPace.ChecksPerSecond(Large, 1, []), ClusterPace.ChecksPerSecond(Large, 0, []));
    }

    [Fact]
    public void A_cluster_should_be_estimated_at_the_pace_it_measured_on_the_same_range_and_cores()
    {
        // What the one-machine recipe measured: 6.4 G checks/s on two cores.
        var run = new TrialRun(Large, 1.2e11, CoreSeconds: 2 * 1.2e11 / 6.4e9);

        Assert.Equal(6.4e9, ClusterPace.ChecksPerSecond(Large, 2, [run]), 1e-6 * 6.4e9);
    }

    [Fact]
    public void A_cluster_that_grew_since_its_measurement_should_be_estimated_per_core()
    {
        var onOneCore = new TrialRun(Large, 1e11, CoreSeconds: 1e11 / 5e9);

        Assert.Equal(4 * 5e9, ClusterPace.ChecksPerSecond(Large, 4, [onOneCore]), 1e-6 * 5e9);
        Assert.Equal(2 * 5e9, ClusterPace.ChecksPerSecond(Large, 2, [onOneCore]), 1e-6 * 5e9);
    }

    [Fact]
    public void A_job_of_small_numbers_should_not_promise_its_pace_to_one_of_large_numbers()
    {
        // 14 G checks/s a core in single-precision lanes is 7/8 of their nominal pace: large numbers get 7/8 of theirs.
        var small = new TrialRun(Small, 1.4e11, CoreSeconds: 1.4e11 / 14e9);

        var large = ClusterPace.ChecksPerSecond(Large, 2, [small]);

        Assert.Equal(2 * 7e9, large, 1e-2 * 7e9);
    }

    [Fact]
    public void The_pace_should_be_the_median_of_the_five_newest_measurable_runs()
    {
        static TrialRun At(double perCore) => new(Large, 1e11, 1e11 / perCore);

        // Newest first: a stalled job, a small one that tells nothing, three steady ones, a lucky one, then old ones.
        TrialRun[] runs = [At(1e9), new TrialRun(Large, 5e8, 1e-3), At(6e9), At(6.2e9), At(5.8e9), At(20e9), At(20e9), At(20e9)];

        Assert.Equal(6e9, ClusterPace.ChecksPerSecond(Large, 1, runs), 1e-6 * 6e9);
        Assert.Equal(5.9e9, ClusterPace.ChecksPerSecond(Large, 1, runs.Take(5)), 1e-6 * 6e9);
    }
}
