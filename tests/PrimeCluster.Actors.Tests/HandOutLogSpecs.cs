using PrimeCluster.Actors.Jobs;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Actors.Tests;

public sealed class HandOutLogSpecs
{
    private static readonly DateTime T0 = new(2026, 11, 29, 6, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_batch_should_run_from_hand_out_until_its_result_counts()
    {
        var log = new HandOutLog<string>();
        log.HandedOut(3, "a", T0, copy: false);
        var running = log.Snapshot(h => h).Single();

        log.Ended(3, "a", BatchOutcome.Counted, T0.AddSeconds(2));

        Assert.Equal(BatchOutcome.Running, running.Outcome);
        Assert.Null(running.FinishedAt);
        var counted = log.Snapshot(h => h).Single();
        Assert.Equal((3L, "a", BatchOutcome.Counted, T0.AddSeconds(2)), (counted.Index, counted.Worker, counted.Outcome, counted.FinishedAt!.Value));
    }

    [Fact]
    public void A_late_copy_that_counts_should_stay_a_copy_and_the_original_lose_the_race()
    {
        var log = new HandOutLog<string>();
        log.HandedOut(7, "slow", T0, copy: false);
        log.HandedOut(7, "fast", T0.AddSeconds(5), copy: true);

        log.Ended(7, "fast", BatchOutcome.Counted, T0.AddSeconds(6));
        log.Ended(7, "slow", BatchOutcome.LostRace, T0.AddSeconds(6));

        Assert.Equal([BatchOutcome.LostRace, BatchOutcome.LateCopy], log.Snapshot(h => h.Outcome));
    }

    [Fact]
    public void EndAll_should_hand_back_what_one_worker_holds_and_leave_the_others()
    {
        var log = new HandOutLog<string>();
        log.HandedOut(0, "lost", T0, copy: false);
        log.HandedOut(1, "lost", T0, copy: false);
        log.HandedOut(2, "alive", T0, copy: false);

        log.EndAll("lost", BatchOutcome.HandedBack, T0.AddSeconds(1));

        Assert.Equal([BatchOutcome.HandedBack, BatchOutcome.HandedBack, BatchOutcome.Running], log.Snapshot(h => h.Outcome));
    }

    [Fact]
    public void An_end_of_a_batch_not_handed_to_the_worker_should_change_nothing()
    {
        var log = new HandOutLog<string>();
        log.HandedOut(0, "a", T0, copy: false);
        log.Ended(0, "a", BatchOutcome.Counted, T0.AddSeconds(1));

        log.Ended(0, "a", BatchOutcome.Failed, T0.AddSeconds(2));
        log.Ended(0, "b", BatchOutcome.Counted, T0.AddSeconds(2));

        Assert.Equal((BatchOutcome.Counted, T0.AddSeconds(1)), log.Snapshot(h => (h.Outcome, h.FinishedAt!.Value)).Single());
    }

    [Fact]
    public void The_log_should_keep_the_most_recent_hand_outs_only()
    {
        var log = new HandOutLog<string>();
        var total = HandOutLog<string>.Capacity + 10;
        for (var i = 0; i < total; i++)
        {
            log.HandedOut(i, "a", T0, copy: false);
        }

        // The first ten were overwritten while open: ending them changes nothing kept.
        log.Ended(0, "a", BatchOutcome.Counted, T0);
        var kept = log.Snapshot(h => h.Index);

        Assert.Equal(HandOutLog<string>.Capacity, kept.Count);
        Assert.Equal(10, kept[0]);
        Assert.Equal(total - 1, kept[^1]);
        Assert.DoesNotContain(log.Snapshot(h => h.Outcome), o => o != BatchOutcome.Running);
    }

    [Fact]
    public void Changes_should_be_noted_only_while_someone_follows_them_and_each_once()
    {
        var log = new HandOutLog<string>();
        log.HandedOut(0, "a", T0, copy: false);
        Assert.Empty(log.TakeChanges(h => h.Index));

        log.Tracking = true;
        log.HandedOut(1, "a", T0, copy: false);
        log.Ended(0, "a", BatchOutcome.Counted, T0);
        log.Ended(1, "a", BatchOutcome.Counted, T0);

        Assert.Equal([(0L, BatchOutcome.Counted), (1L, BatchOutcome.Counted)], log.TakeChanges(h => (h.Index, h.Outcome)));
        Assert.Empty(log.TakeChanges(h => h.Index));
    }
}
