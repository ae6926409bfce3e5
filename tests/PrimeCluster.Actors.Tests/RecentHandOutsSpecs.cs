using PrimeCluster.Actors.Jobs;
using PrimeCluster.Core;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Actors.Tests;

/// <summary>The job's timeline, as its ledger's transitions feed it.</summary>
public sealed class RecentHandOutsSpecs
{
    private static readonly Tally True = new(5, 50);

    private readonly ManualClock _clock = new();
    private readonly RecentHandOuts<string> _recent = new();

    [Fact]
    public void A_batch_should_run_from_hand_out_until_its_result_counts()
    {
        var ledger = Ledger(4);
        ledger.Take("a", 4);
        var running = _recent.Snapshot(Entry)[3];

        _clock.Advance(TimeSpan.FromSeconds(2));
        ledger.Report(3, "a", True, TallyCheck.None);

        Assert.Equal((BatchOutcome.Running, null), (running.Outcome, running.EndedAt));
        var counted = _recent.Snapshot(Entry)[3];
        Assert.Equal((3L, "a", BatchOutcome.Counted, ManualClock.Start, ManualClock.Start.AddSeconds(2)), (counted.Index, counted.Worker, counted.Outcome, counted.HandedOutAt, counted.EndedAt!.Value));
    }

    [Fact]
    public void A_late_copy_that_counts_should_stay_a_copy_and_the_original_lose_the_race()
    {
        var ledger = Ledger(1);
        ledger.Take("slow", 1);
        _clock.Advance(TimeSpan.FromSeconds(5));
        ledger.TakeCopy("fast", _ => true);
        Assert.Equal([BatchOutcome.Running, BatchOutcome.LateCopy], _recent.Snapshot(Entry).Select(e => e.Outcome));

        _clock.Advance(TimeSpan.FromSeconds(1));
        ledger.Report(0, "fast", True, TallyCheck.None);

        Assert.Equal([BatchOutcome.LostRace, BatchOutcome.LateCopy], _recent.Snapshot(Entry).Select(e => e.Outcome));
        Assert.All(_recent.Snapshot(Entry), e => Assert.Equal(ManualClock.Start.AddSeconds(6), e.EndedAt));
    }

    [Fact]
    public void A_lost_worker_should_hand_back_what_it_holds_and_leave_the_others()
    {
        var ledger = Ledger(3);
        ledger.Take("lost", 2);
        ledger.Take("alive", 1);

        ledger.ReturnAllHeldBy("lost");

        Assert.Equal([BatchOutcome.HandedBack, BatchOutcome.HandedBack, BatchOutcome.Running], _recent.Snapshot(Entry).Select(e => e.Outcome));
    }

    [Fact]
    public void A_report_of_a_batch_not_handed_to_the_worker_should_change_nothing()
    {
        var ledger = Ledger(1);
        ledger.Take("a", 1);
        ledger.Report(0, "a", True, TallyCheck.None);
        _recent.Tracking = true;

        _clock.Advance(TimeSpan.FromSeconds(1));
        ledger.Fail(0, "a");
        ledger.Report(0, "b", True, TallyCheck.None);

        Assert.Equal((BatchOutcome.Counted, ManualClock.Start), _recent.Snapshot(Entry).Select(e => (e.Outcome, e.EndedAt!.Value)).Single());
        Assert.Empty(_recent.TakeChanges(Entry));
    }

    [Fact]
    public void The_timeline_should_keep_the_most_recent_hand_outs_only()
    {
        var total = RecentHandOuts<string>.Capacity + 10;
        var ledger = Ledger(total);
        for (var i = 0; i < total; i++)
        {
            ledger.Take("a", 1);
        }

        // The first ten were overwritten while open: their end changes nothing kept.
        _recent.Tracking = true;
        ledger.Report(0, "a", True, TallyCheck.None);
        var kept = _recent.Snapshot(Entry);

        Assert.Equal(RecentHandOuts<string>.Capacity, kept.Count);
        Assert.Equal(10, kept[0].Index);
        Assert.Equal(total - 1, kept[^1].Index);
        Assert.All(kept, e => Assert.Equal(BatchOutcome.Running, e.Outcome));
        Assert.Empty(_recent.TakeChanges(Entry));
    }

    [Fact]
    public void Changes_should_be_noted_only_while_someone_follows_them_and_each_once()
    {
        var ledger = Ledger(2);
        ledger.Take("a", 1);
        Assert.Empty(_recent.TakeChanges(Entry));

        _recent.Tracking = true;
        ledger.Take("a", 1);
        ledger.Report(0, "a", True, TallyCheck.None);
        ledger.Report(1, "a", True, TallyCheck.None);

        Assert.Equal([(0L, BatchOutcome.Counted), (1L, BatchOutcome.Counted)], _recent.TakeChanges((h, shown) => (h.Index, shown)));
        Assert.Empty(_recent.TakeChanges(Entry));
    }

    private static Shown Entry(HandOut<string> handOut, BatchOutcome shown) => new(handOut.Index, handOut.Worker, shown, handOut.HandedOutAt, handOut.EndedAt);

    private BatchLedger<string> Ledger(long count)
    {
        var ledger = new BatchLedger<string>(count, _clock);
        ledger.Observe(_recent);
        return ledger;
    }

    private sealed record Shown(long Index, string Worker, BatchOutcome Outcome, DateTimeOffset HandedOutAt, DateTimeOffset? EndedAt);
}
