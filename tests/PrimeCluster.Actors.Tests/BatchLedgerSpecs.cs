using PrimeCluster.Actors.Jobs;
using PrimeCluster.Core;

namespace PrimeCluster.Actors.Tests;

public sealed class BatchLedgerSpecs
{
    [Fact]
    public void Take_should_hand_out_every_batch_once_in_order()
    {
        var ledger = new BatchLedger<string>(5);

        Assert.Equal([0L, 1, 2], Indices(ledger.Take("a", 3)));
        Assert.Equal([3L, 4], Indices(ledger.Take("b", 3)));
        Assert.Empty(ledger.Take("c", 3));
        Assert.False(ledger.HasWaiting);
    }

    [Fact]
    public void Complete_should_count_each_batch_once_whoever_reports_it()
    {
        var ledger = new BatchLedger<string>(3);
        ledger.Take("a", 3);

        Assert.True(ledger.Complete(1));
        Assert.False(ledger.Complete(1));
        Assert.False(ledger.Complete(7));
        Assert.False(ledger.Complete(-1));
        Assert.Equal(1, ledger.Done);
        Assert.False(ledger.AllDone);
    }

    [Fact]
    public void ReturnAllHeldBy_should_put_a_lost_workers_batches_first_in_line()
    {
        var ledger = new BatchLedger<string>(4);
        ledger.Take("a", 2);
        ledger.Take("b", 1);
        ledger.Complete(0);

        Assert.Equal(1, ledger.ReturnAllHeldBy("a"));
        Assert.Equal(0, ledger.HeldBy("a"));
        Assert.Equal([1L, 3], Indices(ledger.Take("c", 2)));
        Assert.Equal(1, ledger.HeldBy("b"));
    }

    [Fact]
    public void A_late_result_for_a_returned_batch_should_count_once_and_keep_it_from_being_handed_out_again()
    {
        var ledger = new BatchLedger<string>(2);
        ledger.Take("a", 2);
        ledger.ReturnAllHeldBy("a");

        Assert.True(ledger.Complete(0));
        Assert.Equal([1L], Indices(ledger.Take("b", 2)));
        Assert.True(ledger.Complete(1));
        Assert.False(ledger.Complete(0));
        Assert.True(ledger.AllDone);
        Assert.False(ledger.HasWaiting);
    }

    [Fact]
    public void Fail_should_count_attempts_and_return_the_batch()
    {
        var ledger = new BatchLedger<string>(1);
        ledger.Take("a", 1);

        Assert.Equal(1, ledger.Fail(0, "a"));
        Assert.Equal([0L], Indices(ledger.Take("b", 1)));
        Assert.Equal(2, ledger.Fail(0, "b"));
    }

    [Fact]
    public void Return_should_ignore_a_worker_that_no_longer_holds_the_batch()
    {
        var ledger = new BatchLedger<string>(1);
        ledger.Take("a", 1);
        ledger.ReturnAllHeldBy("a");
        Assert.Equal([0L], Indices(ledger.Take("b", 1)));

        ledger.Return(0, "a");

        Assert.False(ledger.HasWaiting);
        Assert.Equal(1, ledger.HeldBy("b"));
    }

    [Fact]
    public void TakeCopy_should_copy_the_batch_out_last_with_another_worker_once()
    {
        var ledger = new BatchLedger<string>(4);
        ledger.Take("a", 2);
        ledger.Take("b", 2);
        ledger.Complete(3);

        Assert.Equal(2L, ledger.TakeCopy("a", Any)?.Index);
        Assert.Equal(1L, ledger.TakeCopy("b", Any)?.Index);
        Assert.Equal(0L, ledger.TakeCopy("c", Any)?.Index);
        Assert.Null(ledger.TakeCopy("c", Any));
        Assert.Equal(3, ledger.CountOf(BatchState.Raced));
        Assert.Equal(3, ledger.HeldBy("a"));
        Assert.Equal(2, ledger.HeldBy("b"));
        Assert.Equal(1, ledger.HeldBy("c"));
        Assert.False(ledger.HasWaiting);
    }

    [Fact]
    public void HandOutsOf_should_name_what_each_worker_holds_in_the_order_it_was_handed_out()
    {
        var ledger = new BatchLedger<string>(5);
        ledger.Take("a", 3);
        ledger.Take("b", 1);
        ledger.Complete(0);

        Assert.Equal([1L, 2], InOrder(ledger.HandOutsOf("a")));
        Assert.Equal([3L], InOrder(ledger.HandOutsOf("b")));
        Assert.Empty(ledger.HandOutsOf("c"));
        Assert.Equal(BatchState.Waiting, ledger.StateOf(4));

        var copy = ledger.TakeCopy("b", h => h.Index == 1);

        Assert.Equal((1L, "a"), (copy!.Index, copy.Races!.Worker));
        Assert.True(copy.Races.Raced);
        Assert.Equal(BatchState.Raced, ledger.StateOf(1));
        Assert.Equal([1L, 2], InOrder(ledger.HandOutsOf("a")));
        Assert.Equal([3L, 1], InOrder(ledger.HandOutsOf("b")));
    }

    [Fact]
    public void A_batch_should_move_through_its_states_by_the_ledgers_transitions_only()
    {
        var ledger = new BatchLedger<string>(2);
        Assert.Equal(BatchState.Waiting, ledger.StateOf(0));

        ledger.Take("a", 1);
        Assert.Equal(BatchState.Out, ledger.StateOf(0));
        ledger.TakeCopy("b", Any);
        Assert.Equal(BatchState.Raced, ledger.StateOf(0));
        ledger.Fail(0, "b");
        Assert.Equal(BatchState.Out, ledger.StateOf(0));
        ledger.Return(0, "a");
        Assert.Equal(BatchState.Waiting, ledger.StateOf(0));
        Assert.Equal(2, ledger.CountOf(BatchState.Waiting));

        ledger.Take("a", 1);
        Assert.Equal(ReportOutcome.Pending, ledger.Report(0, "a", True, TallyCheck.SecondOpinion).Outcome);
        Assert.Equal(BatchState.Claimed, ledger.StateOf(0));
        ledger.Take("b", 1);
        Assert.Equal(ReportOutcome.Verify, ledger.Report(0, "b", Lie, TallyCheck.SecondOpinion).Outcome);
        Assert.Equal(BatchState.Verifying, ledger.StateOf(0));
        Assert.True(ledger.Settle(0, True).Counted);
        Assert.Equal((BatchState.Done, 1L), (ledger.StateOf(0), ledger.CountOf(BatchState.Done)));
        Assert.Equal(0, ledger.CountOf(BatchState.Verifying));
    }

    [Fact]
    public void TakeCopy_should_copy_only_a_batch_the_caller_says_is_late()
    {
        var ledger = new BatchLedger<string>(3);
        ledger.Take("a", 3);

        Assert.Equal(1L, ledger.TakeCopy("b", h => h.Index < 2)?.Index);
        Assert.Null(ledger.TakeCopy("c", h => h.Index == 1));
        Assert.Equal(0, ledger.HeldBy("c"));
    }

    [Fact]
    public void A_copied_batch_should_count_once_whichever_copy_reports_first()
    {
        var ledger = new BatchLedger<string>(2);
        ledger.Take("a", 2);
        ledger.Complete(0);
        Assert.Equal(1L, ledger.TakeCopy("b", Any)?.Index);

        Assert.True(ledger.Complete(1));
        Assert.False(ledger.Complete(1));
        Assert.True(ledger.AllDone);
        Assert.Equal(0, ledger.HeldBy("a"));
        Assert.Equal(0, ledger.HeldBy("b"));
    }

    [Fact]
    public void A_copied_batch_should_wait_again_only_once_neither_worker_holds_it()
    {
        var ledger = new BatchLedger<string>(1);
        ledger.Take("a", 1);
        Assert.Equal(0L, ledger.TakeCopy("b", Any)?.Index);

        Assert.Equal(1, ledger.ReturnAllHeldBy("a"));
        Assert.False(ledger.HasWaiting);
        Assert.Equal(1, ledger.HeldBy("b"));
        Assert.Null(ledger.TakeCopy("b", Any));
        Assert.Equal(0L, ledger.TakeCopy("c", Any)?.Index);

        Assert.Equal(1, ledger.Fail(0, "c"));
        Assert.False(ledger.HasWaiting);
        ledger.Return(0, "b");
        Assert.True(ledger.HasWaiting);
        Assert.Equal([0L], Indices(ledger.Take("d", 1)));
        Assert.True(ledger.Complete(0));
    }

    [Fact]
    public void Done_should_track_out_of_order_completions_of_many_batches()
    {
        const int count = 10_000;
        var ledger = new BatchLedger<int>(count);
        var taken = Indices(ledger.Take(0, count));
        var random = new Random(1);

        foreach (var index in taken.OrderBy(_ => random.Next()))
        {
            Assert.True(ledger.Complete(index));
        }

        Assert.True(ledger.AllDone);
        Assert.Equal(0, ledger.CountOf(BatchState.Out));
    }

    [Fact]
    public void DoneSpans_should_list_the_done_batches_as_ascending_disjoint_spans()
    {
        var ledger = new BatchLedger<string>(10);
        ledger.Take("a", 10);
        foreach (var index in new long[] { 0, 1, 2, 5, 7, 6, 9 })
        {
            ledger.Complete(index);
        }

        Assert.Equal([new BatchSpan(0, 2), new BatchSpan(5, 7), new BatchSpan(9, 9)], ledger.DoneSpans());
        Assert.Empty(new BatchLedger<string>(3).DoneSpans());
    }

    [Fact]
    public void Resume_should_hand_out_every_batch_not_done_once_and_count_none_twice()
    {
        var ledger = BatchLedger<string>.Resume(10, [new BatchSpan(0, 2), new BatchSpan(5, 7)]);

        Assert.Equal(6, ledger.Done);
        Assert.Equal([new BatchSpan(0, 2), new BatchSpan(5, 7)], ledger.DoneSpans());
        Assert.False(ledger.Complete(1));
        Assert.False(ledger.Complete(6));
        Assert.Equal([3L, 4, 8, 9], Indices(ledger.Take("b", 10)));
        Assert.Empty(ledger.Take("c", 10));
        foreach (var index in new long[] { 3, 4, 8, 9 })
        {
            Assert.True(ledger.Complete(index));
        }

        Assert.True(ledger.AllDone);
    }

    [Theory]
    [InlineData(3L, 2L)]
    [InlineData(8L, 10L)]
    public void Resume_should_refuse_spans_out_of_order_or_beyond_the_plan(long first, long last)
    {
        Assert.Throws<ArgumentException>(() => BatchLedger<string>.Resume(10, [new BatchSpan(4, 5), new BatchSpan(first, last)]));
    }

    [Fact]
    public void Report_unchecked_should_count_once_and_name_the_other_holder_of_a_raced_batch()
    {
        var ledger = new BatchLedger<string>(2);
        ledger.Take("a", 2);
        Assert.Equal(1L, ledger.TakeCopy("b", Any)?.Index);

        var counted = ledger.Report(1, "b", True, TallyCheck.None);

        Assert.Equal(ReportOutcome.Counted, counted.Outcome);
        Assert.Equal(True, counted.Tally);
        Assert.Equal(["a"], counted.Others);
        Assert.Equal(ReportOutcome.Ignored, ledger.Report(1, "a", True, TallyCheck.None).Outcome);
        Assert.Equal(1, ledger.Done);
    }

    [Fact]
    public void A_claim_held_for_verification_should_not_be_handed_out_and_count_only_if_true()
    {
        var ledger = new BatchLedger<string>(2);
        ledger.Take("a", 2);

        Assert.Equal(ReportOutcome.Verify, ledger.Report(0, "a", True, TallyCheck.Verify).Outcome);
        Assert.Equal(ReportOutcome.Verify, ledger.Report(1, "a", Lie, TallyCheck.Verify).Outcome);
        Assert.Equal(0, ledger.HeldBy("a"));
        Assert.False(ledger.HasWaiting);
        Assert.Empty(ledger.Take("b", 2));
        Assert.Equal(0, ledger.Done);

        Assert.True(ledger.Settle(0, True).Counted);
        var wrong = ledger.Settle(1, True);

        Assert.False(wrong.Counted);
        Assert.Equal([new BatchLedger<string>.Claim("a", Lie)], wrong.Wrong);
        Assert.Equal(1, ledger.Done);
        Assert.Equal([1L], Indices(ledger.Take("b", 2)));
        var again = ledger.Report(1, "b", Lie, TallyCheck.None);
        Assert.Equal((ReportOutcome.Wrong, True), (again.Outcome, again.Tally));
        Assert.Equal([1L], Indices(ledger.Take("c", 2)));
        Assert.Equal(ReportOutcome.Counted, ledger.Report(1, "c", True, TallyCheck.None).Outcome);
        Assert.True(ledger.AllDone);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_fast_liar_racing_a_copy_should_lose_to_the_true_holder(bool verdictFirst)
    {
        var ledger = new BatchLedger<string>(1);
        ledger.Take("slow", 1);
        Assert.Equal(0L, ledger.TakeCopy("liar", Any)?.Index);

        Assert.Equal(ReportOutcome.Verify, ledger.Report(0, "liar", Lie, TallyCheck.Verify).Outcome);
        Assert.Equal(1, ledger.HeldBy("slow"));
        if (verdictFirst)
        {
            Assert.Equal([new BatchLedger<string>.Claim("liar", Lie)], ledger.Settle(0, True).Wrong);
            Assert.False(ledger.AllDone);
            Assert.False(ledger.HasWaiting);
            Assert.Equal(ReportOutcome.Counted, ledger.Report(0, "slow", True, TallyCheck.Verify).Outcome);
        }
        else
        {
            Assert.Equal(ReportOutcome.Pending, ledger.Report(0, "slow", True, TallyCheck.Verify).Outcome);
            var settled = ledger.Settle(0, True);
            Assert.True(settled.Counted);
            Assert.Equal([new BatchLedger<string>.Claim("liar", Lie)], settled.Wrong);
        }

        Assert.True(ledger.AllDone);
    }

    [Fact]
    public void A_claim_waiting_for_a_second_opinion_should_go_first_to_another_worker_and_count_when_they_agree()
    {
        var ledger = new BatchLedger<string>(3);
        ledger.Take("a", 1);

        Assert.Equal(ReportOutcome.Pending, ledger.Report(0, "a", True, TallyCheck.SecondOpinion).Outcome);
        Assert.Equal([1L, 2], Indices(ledger.Take("a", 3)));
        Assert.True(ledger.HasWaiting);
        Assert.Equal([0L], Indices(ledger.Take("b", 3)));
        Assert.Null(ledger.TakeCopy("a", h => h.Index == 0));

        var agreed = ledger.Report(0, "b", True, TallyCheck.SecondOpinion);

        Assert.Equal(ReportOutcome.Counted, agreed.Outcome);
        Assert.Equal(1, ledger.Done);
    }

    [Fact]
    public void Two_opinions_that_differ_should_be_verified_and_the_wrong_one_named()
    {
        var ledger = new BatchLedger<string>(1);
        ledger.Take("liar", 1);
        ledger.Report(0, "liar", Lie, TallyCheck.SecondOpinion);
        Assert.Equal([0L], Indices(ledger.Take("b", 1)));

        Assert.Equal(ReportOutcome.Verify, ledger.Report(0, "b", True, TallyCheck.SecondOpinion).Outcome);
        var settled = ledger.Settle(0, True);

        Assert.True(settled.Counted);
        Assert.Equal([new BatchLedger<string>.Claim("liar", Lie)], settled.Wrong);
        Assert.True(ledger.AllDone);
    }

    [Fact]
    public void A_second_opinion_nobody_gives_should_be_taken_for_verification()
    {
        var ledger = new BatchLedger<string>(2);
        ledger.Take("a", 2);
        ledger.Report(0, "a", True, TallyCheck.SecondOpinion);
        ledger.Report(1, "a", True, TallyCheck.SecondOpinion);

        Assert.Empty(ledger.Take("a", 2));
        Assert.Empty(ledger.TakeForVerification("b"));
        Assert.Equal([0L, 1], ledger.TakeForVerification("a"));

        Assert.False(ledger.HasWaiting);
        Assert.Empty(ledger.Take("b", 2));
        Assert.True(ledger.Settle(0, True).Counted);
        Assert.True(ledger.Settle(1, True).Counted);
        Assert.True(ledger.AllDone);
    }

    [Fact]
    public void A_lost_second_opinion_should_wait_for_another_worker_than_the_claimant()
    {
        var ledger = new BatchLedger<string>(1);
        ledger.Take("a", 1);
        ledger.Report(0, "a", True, TallyCheck.SecondOpinion);
        Assert.Equal([0L], Indices(ledger.Take("b", 1)));

        ledger.ReturnAllHeldBy("b");

        Assert.Empty(ledger.Take("a", 1));
        Assert.Equal([0L], Indices(ledger.Take("c", 1)));
        Assert.Equal(ReportOutcome.Counted, ledger.Report(0, "c", True, TallyCheck.SecondOpinion).Outcome);
    }

    [Fact]
    public void Exclude_should_put_back_what_the_worker_holds_void_its_claims_and_give_it_nothing_more()
    {
        var ledger = new BatchLedger<string>(6);
        ledger.Take("liar", 4);
        ledger.Take("b", 1);
        ledger.Report(0, "liar", True, TallyCheck.SecondOpinion);
        ledger.Report(1, "liar", True, TallyCheck.Verify);
        Assert.Equal(2L, ledger.TakeCopy("b", h => h.Index == 2)?.Index);

        Assert.Equal(new BatchLedger<string>.Exclusion(4, 0, Tally.Zero), ledger.Exclude("liar"));

        Assert.True(ledger.IsExcluded("liar"));
        Assert.Equal(["liar"], ledger.Excluded);
        Assert.Equal(0, ledger.HeldBy("liar"));
        Assert.Empty(ledger.Take("liar", 6));
        Assert.Null(ledger.TakeCopy("liar", Any));
        Assert.Equal(ReportOutcome.Ignored, ledger.Report(3, "liar", True, TallyCheck.None).Outcome);
        Assert.Equal(0, ledger.Exclude("liar").WaitAgain);

        // Batch 0's claim is void and it waits again; batch 1's verification finds no claim to count; batch 2 stays
        // with the worker racing its copy.
        Assert.Equal([3L, 0, 5], Indices(ledger.Take("c", 6)));
        var settled = ledger.Settle(1, True);
        Assert.False(settled.Counted);
        Assert.Empty(settled.Wrong);
        Assert.Equal([1L], Indices(ledger.Take("c", 6)));
        Assert.Equal(2, ledger.HeldBy("b"));
        Assert.Equal(0, ledger.Done);
    }

    [Fact]
    public void Readmit_should_give_a_worker_excluded_on_another_workers_account_batches_again_but_never_one_whose_own_claim_proved_wrong()
    {
        var ledger = new BatchLedger<string>(6);
        ledger.Take("suspect", 2);
        ledger.Take("liar", 2);

        // The liar's claim of batch 2 is wrong by its true tally; the next holder's, judged by that tally at once, too.
        Assert.Equal(ReportOutcome.Verify, ledger.Report(2, "liar", Lie, TallyCheck.Verify).Outcome);
        Assert.Equal(["liar"], ledger.Settle(2, True).Wrong.Select(c => c.Worker));
        Assert.Equal([2L], Indices(ledger.Take("next", 1)));
        Assert.Equal(ReportOutcome.Wrong, ledger.Report(2, "next", Lie, TallyCheck.None).Outcome);
        foreach (var worker in new[] { "suspect", "liar", "next" })
        {
            ledger.Exclude(worker);
        }

        Assert.False(ledger.Readmit("liar"));
        Assert.False(ledger.Readmit("next"));
        Assert.False(ledger.Readmit("stranger"));
        Assert.True(ledger.Readmit("suspect"));
        Assert.False(ledger.Readmit("suspect"));

        Assert.Equal(["liar", "next"], ledger.Excluded.Order());
        Assert.Empty(ledger.Take("liar", 6));
        var taken = ledger.Take("suspect", 6);
        Assert.Equal([0L, 1, 2, 3, 4, 5], Indices(taken).Order());
        Assert.Equal(ReportOutcome.Counted, ledger.Report(taken[0].Index, "suspect", True, TallyCheck.None).Outcome);
    }

    [Fact]
    public void Report_should_take_a_claim_only_from_a_worker_that_holds_the_batch()
    {
        var ledger = new BatchLedger<string>(4);
        ledger.Take("a", 2);
        ledger.Take("b", 1);

        Assert.Equal(ReportOutcome.NotHeld, ledger.Report(0, "b", Lie, TallyCheck.None).Outcome);
        Assert.Equal(ReportOutcome.NotHeld, ledger.Report(3, "stranger", Lie, TallyCheck.None).Outcome);
        Assert.Equal(ReportOutcome.NotHeld, ledger.Report(-1, "a", Lie, TallyCheck.None).Outcome);
        Assert.Equal(ReportOutcome.NotHeld, ledger.Report(4, "a", Lie, TallyCheck.None).Outcome);
        Assert.Equal(ReportOutcome.NotHeld, ledger.Report(long.MinValue, "a", Lie, TallyCheck.None).Outcome);
        Assert.Equal(0, ledger.Done);
        Assert.Equal(2, ledger.HeldBy("a"));
        Assert.Equal([3L], Indices(ledger.Take("c", 4)));

        Assert.Equal(ReportOutcome.Counted, ledger.Report(0, "a", True, TallyCheck.None).Outcome);
        Assert.Equal(ReportOutcome.Ignored, ledger.Report(0, "a", True, TallyCheck.None).Outcome);
        Assert.Equal(1, ledger.Done);
    }

    [Fact]
    public void A_result_of_a_batch_that_went_back_to_the_queue_should_be_ignored_and_the_batch_counted_again()
    {
        var ledger = new BatchLedger<string>(2);
        ledger.Take("a", 2);
        ledger.ReturnAllHeldBy("a");

        Assert.Equal(ReportOutcome.NotHeld, ledger.Report(0, "a", True, TallyCheck.None).Outcome);
        Assert.True(ledger.HasWaiting);
        Assert.Equal([0L], Indices(ledger.Take("b", 1)));
        Assert.Equal(ReportOutcome.NotHeld, ledger.Report(0, "a", True, TallyCheck.None).Outcome);
        Assert.Equal(ReportOutcome.Counted, ledger.Report(0, "b", True, TallyCheck.None).Outcome);

        // Handed the batch again, the same worker holds it again.
        Assert.Equal([1L], Indices(ledger.Take("a", 1)));
        Assert.Equal(ReportOutcome.Counted, ledger.Report(1, "a", True, TallyCheck.None).Outcome);
        Assert.True(ledger.AllDone);
    }

    [Fact]
    public void A_second_opinion_should_be_taken_only_from_the_worker_handed_the_batch_for_it()
    {
        var ledger = new BatchLedger<string>(2);
        ledger.Take("a", 1);
        ledger.Report(0, "a", Lie, TallyCheck.SecondOpinion);

        Assert.Equal(ReportOutcome.NotHeld, ledger.Report(0, "accomplice", Lie, TallyCheck.None).Outcome);
        Assert.Equal(0, ledger.Done);
        Assert.Equal([0L, 1], Indices(ledger.Take("b", 2)));
        Assert.Equal(ReportOutcome.Verify, ledger.Report(0, "b", True, TallyCheck.None).Outcome);
        Assert.Equal([new BatchLedger<string>.Claim("a", Lie)], ledger.Settle(0, True).Wrong);
        Assert.Equal(1, ledger.Done);
    }

    [Fact]
    public void Both_holders_of_a_raced_batch_should_be_able_to_claim_it_and_nobody_else()
    {
        var ledger = new BatchLedger<string>(1);
        ledger.Take("a", 1);
        Assert.Equal(0L, ledger.TakeCopy("b", Any)?.Index);

        Assert.Equal(ReportOutcome.NotHeld, ledger.Report(0, "c", Lie, TallyCheck.Verify).Outcome);
        Assert.Equal(ReportOutcome.Verify, ledger.Report(0, "b", True, TallyCheck.Verify).Outcome);
        Assert.Equal(ReportOutcome.Pending, ledger.Report(0, "a", True, TallyCheck.Verify).Outcome);
        Assert.True(ledger.Settle(0, True).Counted);
        Assert.True(ledger.AllDone);
    }

    [Fact]
    public void Fail_should_count_only_a_failure_of_the_worker_that_holds_the_batch()
    {
        var ledger = new BatchLedger<string>(2);
        ledger.Take("a", 1);

        Assert.Equal(0, ledger.Fail(0, "b"));
        Assert.Equal(0, ledger.Fail(1, "b"));
        Assert.Equal(0, ledger.Fail(-1, "a"));
        Assert.Equal(0, ledger.Fail(2, "a"));
        Assert.Equal(1, ledger.HeldBy("a"));
        Assert.Equal(1, ledger.Fail(0, "a"));
        Assert.Equal(0, ledger.Fail(0, "a"));
        Assert.Equal([0L, 1], Indices(ledger.Take("b", 2)));
        Assert.Equal(2, ledger.Fail(0, "b"));
    }

    [Fact]
    public void Exclude_should_reopen_only_the_batches_counted_from_the_worker_unchecked_and_give_back_their_sum()
    {
        var ledger = new BatchLedger<string>(6);
        ledger.Take("liar", 4);
        ledger.Take("b", 2);
        var other = new Tally(3, 30);

        Assert.Equal(ReportOutcome.Counted, ledger.Report(0, "liar", Lie, TallyCheck.None).Outcome);
        Assert.Equal(ReportOutcome.Verify, ledger.Report(1, "liar", True, TallyCheck.Verify).Outcome);
        Assert.True(ledger.Settle(1, True).Counted);
        Assert.Equal(ReportOutcome.Counted, ledger.Report(2, "liar", other, TallyCheck.None).Outcome);
        Assert.Equal(ReportOutcome.Counted, ledger.Report(4, "b", True, TallyCheck.None).Outcome);
        Assert.Equal(4, ledger.Done);

        var excluded = ledger.Exclude("liar");

        // Batch 3, held, waits again; batches 0 and 2, counted unchecked, are done no more; batch 1 was verified.
        Assert.Equal(new BatchLedger<string>.Exclusion(1, 2, Lie + other), excluded);
        Assert.Equal(2, ledger.Done);
        Assert.Equal([new BatchSpan(1, 1), new BatchSpan(4, 4)], ledger.DoneSpans());
        Assert.Equal([0L, 2, 3], Indices(ledger.Take("c", 6)).Order());
        Assert.Equal(new BatchLedger<string>.Exclusion(0, 0, Tally.Zero), ledger.Exclude("liar"));
        foreach (var index in new long[] { 0, 2, 3 })
        {
            Assert.Equal(ReportOutcome.Counted, ledger.Report(index, "c", True, TallyCheck.None).Outcome);
        }

        Assert.Equal(ReportOutcome.Counted, ledger.Report(5, "b", True, TallyCheck.None).Outcome);
        Assert.True(ledger.AllDone);
        Assert.Equal([new BatchSpan(0, 5)], ledger.DoneSpans());
    }

    [Fact]
    public void Reopened_batches_below_and_above_the_done_mark_should_wait_once_and_count_once()
    {
        const int count = 12;
        var ledger = new BatchLedger<string>(count);
        Assert.Equal(12, Indices(ledger.Take("a", 12)).Count);

        // Done: 0 to 7 (the mark stands at 8) and 10; the liar's are 2, 3 and 7 below the mark and 10 above it.
        var liars = new long[] { 2, 3, 7, 10 };
        foreach (var index in liars)
        {
            ledger.Return(index, "a");
        }

        Assert.Equal(liars, Indices(ledger.Take("liar", 12)));
        foreach (var index in Enumerable.Range(0, 11).Select(i => (long)i).Except([8, 9]))
        {
            Assert.Equal(ReportOutcome.Counted, ledger.Report(index, liars.Contains(index) ? "liar" : "a", True, TallyCheck.None).Outcome);
        }

        Assert.Equal([new BatchSpan(0, 7), new BatchSpan(10, 10)], ledger.DoneSpans());
        Assert.Equal(3, ledger.ReturnAllHeldBy("a"));

        var excluded = ledger.Exclude("liar");

        Assert.Equal(new BatchLedger<string>.Exclusion(0, 4, new Tally(20, 200)), excluded);
        Assert.Equal(5, ledger.Done);
        Assert.Equal([new BatchSpan(0, 1), new BatchSpan(4, 6)], ledger.DoneSpans());
        Assert.Equal(ReportOutcome.Ignored, ledger.Report(5, "b", True, TallyCheck.None).Outcome);

        // A checkpoint taken now resumes the same.
        var resumed = BatchLedger<string>.Resume(count, ledger.DoneSpans());
        Assert.Equal(ledger.Done, resumed.Done);

        var again = Indices(ledger.Take("b", 12));
        Assert.Equal([2L, 3, 7, 8, 9, 10, 11], again.Order());
        Assert.Equal(again.Order(), Indices(resumed.Take("b", 12)).Order());
        Assert.Empty(ledger.Take("c", 12));
        foreach (var index in again)
        {
            Assert.Equal(ReportOutcome.Counted, ledger.Report(index, "b", True, TallyCheck.None).Outcome);
            Assert.Equal(ReportOutcome.Ignored, ledger.Report(index, "b", True, TallyCheck.None).Outcome);
        }

        Assert.True(ledger.AllDone);
        Assert.Equal([new BatchSpan(0, count - 1)], ledger.DoneSpans());
    }

    /// <summary>Every batch out counts as late.</summary>
    private static readonly Func<HandOut<string>, bool> Any = _ => true;

    private static readonly Tally True = new(5, 50);
    private static readonly Tally Lie = new(6, 50);

    private static List<long> Indices<T>(IEnumerable<HandOut<T>> handOuts)
        where T : notnull => [.. handOuts.Select(h => h.Index)];

    private static List<long> InOrder(IEnumerable<HandOut<string>> handOuts) => Indices(handOuts.OrderBy(h => h.Sequence));
}
