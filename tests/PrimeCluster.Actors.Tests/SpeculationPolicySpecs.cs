using PrimeCluster.Actors.Jobs;
using PrimeCluster.Core;

namespace PrimeCluster.Actors.Tests;

public sealed class SpeculationPolicySpecs
{
    private static readonly Tally True = new(5, 50);

    private readonly ManualClock _clock = new();

    [Fact]
    public void Take_should_hand_out_a_fair_share_of_what_waits_and_one_by_one_at_the_end()
    {
        var (_, policy) = Job(16, planWorkers: 2);

        Assert.Equal(
            [8, 4, 2, 1, 1],
            new[] { ("a", 64), ("b", 64), ("c", 3), ("d", 5), ("e", 5) }.Select(ask => policy.Take(ask.Item1, ask.Item2).Count));
        Assert.Empty(policy.Take("f", 5));
    }

    [Fact]
    public void A_batch_out_over_twice_as_long_as_batches_take_should_be_raced_and_the_race_left_out_of_that_measure()
    {
        var (ledger, policy) = Job(4, planWorkers: 4);
        foreach (var worker in new[] { "a", "b", "c" })
        {
            policy.Take(worker, 1);
        }

        // Nothing has come back: nothing is late yet.
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(policy.TakeCopy("d"));
        ledger.Report(0, "a", True, TallyCheck.None);

        // Batches take 1 s: at 1.5 s more, the other two are out 2.5 s, and the one handed out last is copied.
        _clock.Advance(TimeSpan.FromSeconds(1.5));
        var copy = policy.TakeCopy("a");
        Assert.Equal((2L, "c"), (copy!.Index, copy.Races!.Worker));
        Assert.True(policy.IsOverdue(copy.Races));
        Assert.Equal(ReportOutcome.Counted, ledger.Report(2, "a", True, TallyCheck.None).Outcome);

        // The copy's few moments did not make batches look quicker: 1.8 s is still not late.
        var next = policy.Take("d", 1).Single();
        _clock.Advance(TimeSpan.FromSeconds(1.8));
        Assert.False(policy.IsOverdue(next));
        _clock.Advance(TimeSpan.FromSeconds(0.3));
        Assert.True(policy.IsOverdue(next));
    }

    [Fact]
    public void A_worker_with_nothing_left_should_race_a_batch_queued_behind_another_at_a_busy_worker()
    {
        var (ledger, policy) = Job(3, planWorkers: 1);
        var busy = policy.Take("busy", 2);
        policy.Take("other", 2);

        // While it holds a batch of its own, no copy: nothing is late.
        Assert.Null(policy.TakeCopy("other"));
        ledger.Report(2, "other", True, TallyCheck.None);

        var copy = policy.TakeCopy("other");
        Assert.Equal(1L, copy!.Index);
        Assert.True(policy.IsQueuedBehindAnother(copy.Races!));
        Assert.False(policy.IsQueuedBehindAnother(busy[0]));
        Assert.Null(policy.TakeCopy("third"));
    }

    private (BatchLedger<string> Ledger, SpeculationPolicy<string> Policy) Job(long batches, int planWorkers)
    {
        var ledger = new BatchLedger<string>(batches, _clock);
        var policy = new SpeculationPolicy<string>(ledger, _clock, planWorkers);
        ledger.Observe(policy);
        return (ledger, policy);
    }
}
