using Akka.Actor;
using PrimeCluster.Actors.Coordination;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Core;

namespace PrimeCluster.Actors.Tests;

public sealed class ThroughputRecorderSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 6, 0, 0, TimeSpan.Zero);
    private static readonly Address A = Address.Parse("akka.tcp://primecluster@10.0.0.1:4053");
    private static readonly Address B = Address.Parse("akka.tcp://primecluster@10.0.0.2:4053");

    [Fact]
    public void A_sample_should_give_each_nodes_checks_per_second_since_the_last()
    {
        var recorder = new ThroughputRecorder();
        recorder.Add(A, Algorithm.Trial, Checks(1_000), T0);
        recorder.Add(B, Algorithm.Trial, Checks(500), T0.AddSeconds(0.5));
        recorder.Add(A, Algorithm.Trial, Checks(1_000), T0.AddSeconds(1));

        var sample = recorder.Sample(T0.AddSeconds(2));

        Assert.Equal([(A, 1_000.0), (B, 250.0)], sample.Nodes.Select(n => (n.Node, n.ChecksPerSecond)));
        Assert.True(recorder.Active);
    }

    [Fact]
    public void Each_algorithm_should_be_sampled_in_its_own_terms_so_a_formula_job_hides_no_trial_job()
    {
        var recorder = new ThroughputRecorder();

        // A formula job's one batch [0, 10^13] carries about 10^24 checks; a trial batch beside it some 10^9.
        recorder.Add(A, Algorithm.Formula, new JobControl.Computed(UInt128.Parse("1000000000000000000000000", System.Globalization.CultureInfo.InvariantCulture), 10_000_000_000_001), T0);
        recorder.Add(A, Algorithm.Trial, new JobControl.Computed(1_711_580_852, 200_000), T0);
        recorder.Add(B, Algorithm.Sieve, new JobControl.Computed(1_711_580_852, 200_000), T0);

        var sample = recorder.Sample(T0.AddSeconds(2));

        Assert.Equal(
            [(Algorithm.Trial, A, 855_790_426.0), (Algorithm.Sieve, B, 100_000.0), (Algorithm.Formula, A, 5_000_000_000_000.5)],
            sample.Algorithms.Select(a => (a.Algorithm, a.Node, a.PerSecond)));
        Assert.Equal([A, B], sample.Nodes.Select(n => n.Node));
        Assert.Equal(5e23, sample.Nodes[0].ChecksPerSecond, tolerance: 1e9);
        Assert.Equal(855_790_426.0, sample.Nodes[1].ChecksPerSecond);
    }

    [Fact]
    public void The_sample_after_the_work_should_be_empty_and_end_the_activity()
    {
        var recorder = new ThroughputRecorder();
        recorder.Add(A, Algorithm.Trial, Checks(10), T0);
        recorder.Sample(T0.AddSeconds(1));

        var quiet = recorder.Sample(T0.AddSeconds(2));

        Assert.Empty(quiet.Nodes);
        Assert.False(recorder.Active);
    }

    [Fact]
    public void The_history_should_keep_the_last_fifteen_minutes()
    {
        var recorder = new ThroughputRecorder();
        for (var second = 0; second <= 20 * 60; second++)
        {
            recorder.Add(A, Algorithm.Trial, Checks(1), T0.AddSeconds(second));
            recorder.Sample(T0.AddSeconds(second + 1));
        }

        var history = recorder.History;

        Assert.Equal(T0.AddSeconds((20 * 60) + 1), history[^1].At);
        Assert.True(history[^1].At - history[0].At <= ThroughputRecorder.Window);
        Assert.Equal(15 * 60, history.Count - 1);
    }

    private static JobControl.Computed Checks(ulong checks) => new(checks, 1);
}
