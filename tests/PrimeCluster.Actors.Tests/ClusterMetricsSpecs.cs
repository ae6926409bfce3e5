using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Actors.Tests;

/// <summary>
/// The node's instruments while jobs run on a seed and two workers in this process. Alone in their collection: the
/// instruments are process-wide, and a job of another spec would count in them.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterMetricsSpecs : IAsyncLifetime
{
    private static readonly string[] Instruments =
    [
        "primecluster.batches.handed_out", "primecluster.batches.copied", "primecluster.batches.completed",
        "primecluster.batches.returned", "primecluster.batches.failed", "primecluster.batches.verified", "primecluster.mismatches",
        "primecluster.jobs.finished", "primecluster.workers", "primecluster.workers.registered",
    ];

    private readonly List<InProcessNode> _nodes = [];
    private readonly MetricsRecorder _metrics = new();

    [Theory]
    [InlineData(Algorithm.Trial)]
    [InlineData(Algorithm.Sieve)]
    public async Task Checks_counted_over_the_nodes_should_add_up_to_the_jobs_check_count(Algorithm algorithm)
    {
        var before = Instruments.ToDictionary(name => name, name => _metrics.Observe(name));
        double Since(string name) => _metrics.Observe(name) - before[name];
        var seed = Start("seed");
        Start("worker", seed);
        Start("worker", seed);
        await Until.WorkersAsync(seed, 2);
        var name = $"algorithm={Names.Of(algorithm)}";
        var range = new NumberRange(1, 400_000);

        // Two jobs at once, so that the counts are those of both and nothing of either is counted twice.
        var first = (await seed.Client.SubmitAsync(new JobSpec(range, algorithm, SplitStrategy.Balanced, Batches: 40))).Id;
        var second = (await seed.Client.SubmitAsync(new JobSpec(new NumberRange(1, 100_000), algorithm, SplitStrategy.Balanced, Batches: 24))).Id;
        var views = new[] { await seed.Client.AwaitAsync(first), await seed.Client.AwaitAsync(second) };

        Assert.All(views, v => Assert.Equal(JobState.Done, v!.State));
        var checks = views.Aggregate(UInt128.Zero, (sum, v) => sum + v!.Result!.Value.CheckCount);
        Assert.Equal(SieveKernel.Instance.Count(range.From, range.Til).CheckCount + 455_189_150, checks);

        // The workers hear of their counted checks with the jobs' last progress reports, a moment after the end.
        await Until.TrueAsync(() => Task.FromResult(_metrics.Added("primecluster.checks") >= (double)checks));
        Assert.Equal((double)checks, _metrics.Added("primecluster.checks", name));
        Assert.Equal(64, Since("primecluster.batches.completed"));
        Assert.Equal(0, Since("primecluster.batches.returned"));
        Assert.Equal(0, Since("primecluster.batches.failed"));
        Assert.Equal(0, Since("primecluster.mismatches"));
        Assert.Equal(2, Since("primecluster.jobs.finished"));

        // Every batch was handed out once, and a sampled sieve batch once more for a second opinion; each was computed
        // at most once per hand-out or copy, and shows in the durations.
        var handedOut = Since("primecluster.batches.handed_out");
        Assert.InRange(_metrics.Recorded("primecluster.batch.duration", name), 64, handedOut + Since("primecluster.batches.copied"));
        if (algorithm == Algorithm.Trial)
        {
            // Every trial result is checked against the sieve before it counts.
            Assert.Equal(64, handedOut);
            Assert.Equal(64, Since("primecluster.batches.verified"));
        }
        else
        {
            Assert.InRange(handedOut, 64, 128);
        }

        Assert.Equal(2, Since("primecluster.workers"));
        Assert.Equal(2, Since("primecluster.workers.registered"));
        await Until.TrueAsync(() => Task.FromResult(_metrics.Observe("primecluster.workers.busy") == 0));
        Assert.Equal(0, _metrics.Observe("primecluster.jobs"));
    }

    [Fact]
    public async Task Jobs_should_be_counted_by_state_as_they_wait_and_end()
    {
        var cancelled = _metrics.Observe("primecluster.jobs.finished", "state=cancelled");
        var done = _metrics.Observe("primecluster.jobs.finished", "state=done");
        var seed = Start("seed");
        await Until.UpAsync(seed, 1);

        // No worker in the cluster: the job waits in the queue until it is cancelled.
        var id = (await seed.Client.SubmitAsync(new JobSpec(new NumberRange(1, 1000)))).Id;
        Assert.Equal(1, _metrics.Observe("primecluster.jobs", "state=queued"));
        Assert.Equal(0, _metrics.Observe("primecluster.jobs", "state=running"));
        Assert.Equal(1, _metrics.Observe("primecluster.members", "status=up"));

        await seed.Client.CancelAsync(id);

        Assert.Equal(0, _metrics.Observe("primecluster.jobs", "state=queued"));
        Assert.Equal(cancelled + 1, _metrics.Observe("primecluster.jobs.finished", "state=cancelled"));
        Assert.Equal(done, _metrics.Observe("primecluster.jobs.finished", "state=done"));
    }

    [Fact]
    public async Task Work_remaining_should_show_a_waiting_job_whole_and_fall_to_zero_as_workers_count_it()
    {
        var seed = Start("seed");
        await Until.UpAsync(seed, 1);
        var spec = new JobSpec(new NumberRange(1, 1_000_000), Algorithm.Trial, SplitStrategy.Balanced, Batches: 40);
        var whole = CostModel.EstimateSeconds(spec.Range, spec.Algorithm);

        // No worker yet: the job waits whole, every batch and its one-core cost by the cost model.
        var id = (await seed.Client.SubmitAsync(spec)).Id;
        Assert.Equal(40, _metrics.Observe("primecluster.batches.remaining"));
        Assert.Equal(whole, _metrics.Observe("primecluster.work.remaining"), 6);

        // A worker takes it: the work left falls with the job's progress, and is gone with the job.
        Start("worker", seed);
        var seen = new List<double>();
        await Until.TrueAsync(async () =>
        {
            seen.Add(_metrics.Observe("primecluster.work.remaining"));
            return (await seed.Client.GetAsync(id))?.State == JobState.Done;
        });
        Assert.Contains(seen, left => left > 0 && left < whole);
        Assert.Equal(0, _metrics.Observe("primecluster.batches.remaining"));
        Assert.Equal(0, _metrics.Observe("primecluster.work.remaining"));
    }

    [Fact]
    public async Task Heartbeat_intervals_should_be_recorded_as_members_answer_each_others_heartbeats()
    {
        var seed = Start("seed");
        Start("worker", seed);
        await Until.WorkersAsync(seed, 1);

        // Each side's failure detector takes in the other's answers, one a second: a second interval needs three.
        await Until.TrueAsync(() => Task.FromResult(_metrics.Recorded("primecluster.heartbeat.interval") >= 4));
        // In seconds: not ticks, not milliseconds. The instrument is process-wide, and the clusters of specs running
        // beside this one heartbeat every 0.5 s (TestConfig.Quick) where these nodes do every 1 s, so the mean lies
        // between those, and a late heartbeat on a busy machine can lift it further; in milliseconds it would be 500 up.
        Assert.InRange(_metrics.Added("primecluster.heartbeat.interval") / _metrics.Recorded("primecluster.heartbeat.interval"), 0.1, 10);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in Enumerable.Reverse(_nodes))
        {
            await node.DisposeAsync();
        }

        _metrics.Dispose();
    }

    private InProcessNode Start(string roles, InProcessNode? seed = null)
    {
        var node = InProcessNode.Start(roles, workers: 1, seed);
        _nodes.Add(node);
        return node;
    }
}
