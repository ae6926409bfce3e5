using Akka.Actor;
using PrimeCluster.Actors.Coordination;

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
        recorder.Add(A, 1_000, T0);
        recorder.Add(B, 500, T0.AddSeconds(0.5));
        recorder.Add(A, 1_000, T0.AddSeconds(1));

        var sample = recorder.Sample(T0.AddSeconds(2));

        Assert.Equal([(A, 1_000.0), (B, 250.0)], sample.Nodes.Select(n => (n.Node, n.ChecksPerSecond)));
        Assert.True(recorder.Active);
    }

    [Fact]
    public void The_sample_after_the_work_should_be_empty_and_end_the_activity()
    {
        var recorder = new ThroughputRecorder();
        recorder.Add(A, 10, T0);
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
            recorder.Add(A, 1, T0.AddSeconds(second));
            recorder.Sample(T0.AddSeconds(second + 1));
        }

        var history = recorder.History;

        Assert.Equal(T0.AddSeconds((20 * 60) + 1), history[^1].At);
        Assert.True(history[^1].At - history[0].At <= ThroughputRecorder.Window);
        Assert.Equal(15 * 60, history.Count - 1);
    }
}
