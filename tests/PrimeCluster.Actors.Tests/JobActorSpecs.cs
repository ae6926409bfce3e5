using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Kernels;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Actors.Tests;

public sealed class JobActorSpecs() : TestKit(TestConfig.SerializeEverything(TestConfig.Node("seed")))
{
    private static readonly JobSpec Spec = new(new NumberRange(1, 10_000), Algorithm.Trial, SplitStrategy.Balanced, Batches: 10);
    private static readonly Tally Expected = SieveKernel.Instance.Count(1, 10_000);
    private readonly TallyVerifier _verifier = new();
    private readonly Dictionary<IActorRef, AssignmentToken> _tokens = [];

    /// <summary>
    /// A probe, as every spec here makes them, that ignores what a job tells a worker of its counted checks: those are
    /// for the node's metrics (ClusterMetricsSpecs), not what these specs follow.
    /// </summary>
    private TestProbe CreateTestProbe()
    {
        var probe = base.CreateTestProbe();
        probe.IgnoreMessages<ChecksCounted>();
        return probe;
    }

    [Fact]
    public async Task Job_should_aggregate_every_batch_into_the_exact_tally()
    {
        var (job, id) = StartJob();
        var worker = CreateTestProbe();

        var batches = await TakeAsync(job, worker, slots: 10);
        foreach (var batch in batches)
        {
            job.Tell(Completion(id, batch, worker));
        }

        await ExpectExactEndAsync();
    }

    [Fact]
    public async Task Job_should_pass_a_request_that_came_with_results_on_to_the_coordinator_even_as_it_finishes()
    {
        var (job, id) = StartJob();
        var worker = CreateTestProbe();
        var batches = await TakeAsync(job, worker, slots: 10);

        job.Tell(Completion(id, batches[0], worker) with { Slots = 2, InFlight = 9 });
        var request = (RequestWork)await FishForMessageAsync(m => m is RequestWork);
        Assert.Equal(new RequestWork(worker.Ref, 2, 9), request);

        foreach (var batch in batches.Skip(1).SkipLast(1))
        {
            job.Tell(Completion(id, batch, worker));
        }

        // The last result is verified before the job ends: the request may go on before or after the end.
        job.Tell(Completion(id, batches[^1], worker) with { Slots = 2, InFlight = 0 });
        RequestWork? passedOn = null;
        JobControl.Finished? finished = null;
        await FishForMessageAsync(
            m =>
            {
                passedOn = m as RequestWork ?? passedOn;
                finished = m as JobControl.Finished ?? finished;
                return passedOn is not null && finished is not null;
            },
            TimeSpan.FromSeconds(10));
        Assert.Equal(Expected, finished!.View.SoFar);
        Assert.Equal(new RequestWork(worker.Ref, 2, 0), passedOn);
    }

    [Fact]
    public async Task Views_and_checkpoints_should_each_go_out_at_their_own_interval()
    {
        // Views at once, checkpoints not for an hour: the first counted batch is seen, and nothing is written.
        var seen = StartJob(adjust: settings => settings with { CheckpointInterval = TimeSpan.FromHours(1) });
        Assert.Equal(0, await CountAsync<JobControl.Updated>(seen, until: m => m is JobControl.Progress { View.BatchesDone: 1 }));

        // The other way round: the first counted batch is written, and not seen.
        var written = StartJob(adjust: settings => settings with { ProgressInterval = TimeSpan.FromHours(1) });
        Assert.Equal(0, await CountAsync<JobControl.Progress>(written, until: m => m is JobControl.Updated { Checkpoint.View.BatchesDone: 1 }));

        // How many messages of type T the job tells before the one picked, once a worker's first batch counts.
        async Task<int> CountAsync<T>((IActorRef Job, JobId Id) job, Predicate<object> until)
        {
            var worker = CreateTestProbe();
            job.Job.Tell(Completion(job.Id, (await TakeAsync(job.Job, worker, slots: 1))[0], worker));
            var count = 0;
            await FishForMessageAsync(
                m =>
                {
                    count += m is T ? 1 : 0;
                    return until(m);
                },
                TimeSpan.FromSeconds(10));
            return count;
        }
    }

    [Fact]
    public async Task Alone_with_batches_waiting_a_job_should_serve_a_request_that_came_with_results_itself_if_the_coordinator_sent_the_worker()
    {
        var (job, id) = StartJob();
        var worker = CreateTestProbe();
        var stranger = CreateTestProbe();
        var first = await TakeAsync(job, worker, slots: 1);

        // The stranger had the job's work once, so it has its token, but the job has since heard it was lost.
        var strangers = await TakeAsync(job, stranger, slots: 1);
        job.Tell(new JobControl.WorkerLost(stranger.Ref));
        job.Tell(new JobControl.Alone(true));

        // The worker the coordinator sent gets its next batches from the job (the stranger's first); one it did not
        // send now, through the coordinator.
        job.Tell(Completion(id, first[0], worker) with { Slots = 2 });
        var next = await ExpectAssignmentAsync(worker);
        job.Tell(new BatchesCompleted(id, [], stranger.Ref, Slots: 2, Token: TokenOf(stranger)));
        var passedOn = new List<RequestWork>();
        await FishForMessageAsync(m =>
        {
            if (m is RequestWork request)
            {
                passedOn.Add(request);
            }

            return m is RequestWork { Worker: var asking } && asking.Equals(stranger.Ref);
        });
        Assert.Equal([strangers[0].Index, 2], next.Batches.Select(b => b.Index));
        Assert.Equal([new RequestWork(stranger.Ref, 2, 0)], passedOn);

        // No longer alone, it passes requests on again.
        job.Tell(new JobControl.Alone(false));
        job.Tell(Completion(id, next.Batches[0], worker) with { Slots = 1 });
        Assert.Equal(new RequestWork(worker.Ref, 1, 0), await FishForMessageAsync<RequestWork>(_ => true));
        await worker.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Job_should_count_a_batch_reported_twice_once()
    {
        var (job, id) = StartJob();
        var worker = CreateTestProbe();

        var batches = await TakeAsync(job, worker, slots: 10);
        job.Tell(Completion(id, batches[0], worker));
        job.Tell(Completion(id, batches[0], worker));
        foreach (var batch in batches.Skip(1))
        {
            job.Tell(Completion(id, batch, worker));
            job.Tell(Completion(id, batch, worker));
        }

        Assert.Equal(Expected, (await FishForFinishedAsync()).View.SoFar);
    }

    [Fact]
    public async Task Job_should_take_several_results_in_one_report()
    {
        var (job, id) = StartJob();
        var worker = CreateTestProbe();

        var batches = await TakeAsync(job, worker, slots: 10);
        var results = batches.Select(b => new BatchResult(b.Index, SieveKernel.Instance.Count(b.Range.From, b.Range.Til))).ToList();
        job.Tell(new BatchesCompleted(id, results[..4], worker.Ref, Token: TokenOf(worker)));
        job.Tell(new BatchesCompleted(id, results[2..], worker.Ref, Token: TokenOf(worker)));

        Assert.Equal(Expected, (await FishForFinishedAsync()).View.SoFar);
    }

    [Fact]
    public async Task Job_should_hand_a_lost_workers_batches_to_the_next_worker()
    {
        var (job, id) = StartJob();
        var lost = CreateTestProbe();
        var survivor = CreateTestProbe();

        var lostBatches = await TakeAsync(job, lost, slots: 4);
        var others = await TakeAsync(job, survivor, slots: 6);
        job.Tell(new JobControl.WorkerLost(lost.Ref));
        var redone = await TakeAsync(job, survivor, slots: 10);

        Assert.Equal(lostBatches.Select(b => b.Index).Order(), redone.Select(b => b.Index).Order());
        foreach (var batch in others.Concat(redone))
        {
            job.Tell(Completion(id, batch, survivor));
        }

        Assert.Equal(Expected, (await FishForFinishedAsync()).View.SoFar);
    }

    [Fact]
    public async Task Job_should_say_when_it_has_nothing_left_to_hand_out()
    {
        var (job, _) = StartJob();
        var worker = CreateTestProbe();
        await TakeAsync(job, worker, slots: 10);

        job.Tell(new JobControl.OfferWork(worker.Ref, 2), TestActor);

        await FishForMessageAsync(m => m is JobControl.NoWorkLeft { Slots: 2 });
        await worker.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_refused_offer_should_say_whether_batches_still_wait_for_other_workers()
    {
        var (job, id) = StartJob();
        var worker = CreateTestProbe();
        var batches = await TakeAsync(job, worker, slots: 10);
        foreach (var batch in batches.SkipLast(1))
        {
            job.Tell(Completion(id, batch, worker));
        }

        job.Tell(new BatchFailed(id, batches[^1].Index, "disk on fire", worker.Ref, Token: TokenOf(worker)));

        // A backup offer crossing the news that a batch waits again: the refusal must not say that nothing waits.
        job.Tell(new JobControl.OfferWork(CreateTestProbe().Ref, 1, Backup: true));
        Assert.True(((JobControl.NoWorkLeft)await FishForMessageAsync(m => m is JobControl.NoWorkLeft, TimeSpan.FromSeconds(10))).Waiting);

        Assert.Equal([batches[^1].Index], (await TakeAsync(job, worker, slots: 10)).Select(b => b.Index));
        job.Tell(new JobControl.OfferWork(worker.Ref, 1));
        Assert.False(((JobControl.NoWorkLeft)await FishForMessageAsync(m => m is JobControl.NoWorkLeft, TimeSpan.FromSeconds(10))).Waiting);
    }

    [Fact]
    public async Task Job_should_fail_after_a_batch_fails_too_often()
    {
        var (job, id) = StartJob();
        var worker = CreateTestProbe();

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var batch = (await TakeAsync(job, worker, slots: 1))[0];
            Assert.Equal(0, batch.Index);
            job.Tell(new BatchFailed(id, batch.Index, "disk on fire", worker.Ref, Token: TokenOf(worker)));
        }

        var finished = await FishForFinishedAsync();
        Assert.Equal(JobState.Failed, finished.View.State);
        Assert.Contains("disk on fire", finished.View.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelled_job_should_tell_the_workers_holding_its_batches()
    {
        var (job, id) = StartJob();
        var worker = CreateTestProbe();
        await TakeAsync(job, worker, slots: 3);

        job.Tell(JobControl.Cancel.Instance);

        await worker.ExpectMsgAsync<CancelWork>(c => c.JobId == id);
        Assert.Equal(JobState.Cancelled, (await FishForFinishedAsync()).View.State);
    }

    [Fact]
    public async Task Job_resumed_from_its_checkpoint_should_redo_only_what_was_not_done_and_end_exact()
    {
        var (job, id) = StartJob();
        var worker = CreateTestProbe();
        var batches = await TakeAsync(job, worker, slots: 10);
        foreach (var index in new[] { 0, 1, 2, 3, 6 })
        {
            job.Tell(Completion(id, batches[index], worker));
        }

        var checkpoint = ((JobControl.Updated)await FishForMessageAsync(m => m is JobControl.Updated { Checkpoint.View.BatchesDone: 5 }, TimeSpan.FromSeconds(10))).Checkpoint;
        Assert.Equal([new BatchSpan(0, 3), new BatchSpan(6, 6)], checkpoint.Done);
        Assert.Equal(checkpoint.Done.SelectMany(s => batches.Skip((int)s.First).Take((int)s.Count)).Aggregate(Tally.Zero, (sum, b) => sum + SieveKernel.Instance.Count(b.Range.From, b.Range.Til)), checkpoint.View.SoFar);
        Watch(job);
        Sys.Stop(job);
        await ExpectTerminatedAsync(job);

        // A seed whose planner cuts the range elsewhere (another version) must not resume it.
        var cutElsewhere = checkpoint with { PlanFingerprint = checkpoint.PlanFingerprint ^ 1 };
        Assert.Contains("splits the range elsewhere", Assert.Throws<InvalidOperationException>(cutElsewhere.Plan).Message);

        // As a coordinator on another node would, from the checkpoint alone; the lost job's late results count once.
        var settings = PrimeClusterSettings.From(Sys.Settings.Config);
        var resumed = ChildActorOf(JobActor.Props(checkpoint, checkpoint.Plan(), settings, _verifier));
        var newcomer = CreateTestProbe();
        var redo = await TakeAsync(resumed, newcomer, slots: 10);
        Assert.Equal([4L, 5, 7, 8, 9], redo.Select(b => b.Index));
        resumed.Tell(Completion(id, batches[1], worker));
        foreach (var batch in redo)
        {
            resumed.Tell(Completion(id, batch, newcomer));
        }

        await ExpectExactEndAsync();
    }

    [Fact]
    public async Task A_wrong_trial_tally_should_not_count_and_its_worker_should_be_excluded_and_reported()
    {
        var (job, id) = StartJob();
        var liar = CreateTestProbe();
        var honest = CreateTestProbe();
        var lies = await TakeAsync(job, liar, slots: 3);

        job.Tell(new BatchesCompleted(id, [new BatchResult(lies[0].Index, Wrong(lies[0]))], liar.Ref, Token: TokenOf(liar)));

        var mismatch = (JobControl.Mismatch)await FishForMessageAsync(m => m is JobControl.Mismatch, TimeSpan.FromSeconds(10));
        Assert.Equal(new JobControl.Mismatch(id, liar.Ref, lies[0].Index, Wrong(lies[0]), True(lies[0])), mismatch);
        await liar.ExpectMsgAsync<CancelWork>(c => c.JobId == id);
        job.Tell(JobControl.GetHeld.Instance);
        Assert.Equal([liar.Ref], ((JobControl.Held)await FishForMessageAsync(m => m is JobControl.Held)).Excluded);

        // Its batches, the wrong one first, go to others; it gets none, and what it reports no longer counts.
        var all = await TakeAsync(job, honest, slots: 10);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), all.Select(b => b.Index).Order());
        job.Tell(new JobControl.OfferWork(liar.Ref, 2));
        await FishForMessageAsync(m => m is JobControl.NoWorkLeft);
        job.Tell(Completion(id, lies[1], liar));
        await honest.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        foreach (var batch in all)
        {
            job.Tell(Completion(id, batch, honest));
        }

        var finished = await FishForFinishedAsync();
        Assert.Equal(Expected, finished.View.SoFar);
        Assert.Equal(10, finished.View.BatchesDone);
        liar.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public async Task A_worker_excluded_for_its_nodes_liar_should_get_batches_again_once_taken_back_and_the_liar_never()
    {
        var (job, id) = StartJob();
        var liar = CreateTestProbe();
        var peer = CreateTestProbe();
        var lies = await TakeAsync(job, liar, slots: 2);
        await TakeAsync(job, peer, slots: 2);
        job.Tell(new BatchesCompleted(id, [new BatchResult(lies[0].Index, Wrong(lies[0]))], liar.Ref, Token: TokenOf(liar)));
        Assert.Equal(liar.Ref, ((JobControl.Mismatch)await FishForMessageAsync(m => m is JobControl.Mismatch, TimeSpan.FromSeconds(10))).Worker);
        await liar.ExpectMsgAsync<CancelWork>(c => c.JobId == id);

        // As the coordinator does: the liar's node-mate is excluded too, then taken back; a word to take back the liar
        // itself (the coordinator not yet told of its mismatch) changes nothing.
        job.Tell(new JobControl.Exclude(peer.Ref));
        await peer.ExpectMsgAsync<CancelWork>(c => c.JobId == id);
        job.Tell(new JobControl.Readmit(liar.Ref, "told in a spec"));
        job.Tell(new JobControl.Readmit(peer.Ref, "told in a spec"));
        job.Tell(JobControl.GetHeld.Instance);
        Assert.Equal([liar.Ref], (await FishForMessageAsync<JobControl.Held>(m => m is JobControl.Held, TimeSpan.FromSeconds(10))).Excluded);

        // The node-mate gets every batch, those it held before included; the liar none.
        job.Tell(new JobControl.OfferWork(liar.Ref, 2));
        await FishForMessageAsync(m => m is JobControl.NoWorkLeft);
        var all = await TakeAsync(job, peer, slots: 10);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), all.Select(b => b.Index).Order());
        foreach (var batch in all)
        {
            job.Tell(Completion(id, batch, peer));
        }

        await ExpectExactEndAsync();
        liar.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public async Task A_liar_answering_a_copy_at_once_should_not_win_the_race_against_the_true_holder()
    {
        var (job, id) = StartJob();
        var honest = CreateTestProbe();
        var liar = CreateTestProbe();
        var all = await TakeAsync(job, honest, slots: 10);

        // Empty-handed, the liar gets a copy of the batch waiting last behind the honest worker's others.
        job.Tell(new JobControl.OfferWork(liar.Ref, 1, Backup: true));
        var copy = (await ExpectAssignmentAsync(liar)).Batches.Single();
        job.Tell(new BatchesCompleted(id, [new BatchResult(copy.Index, Wrong(copy))], liar.Ref, Token: TokenOf(liar)));

        Assert.Equal(copy.Index, ((JobControl.Mismatch)await FishForMessageAsync(m => m is JobControl.Mismatch, TimeSpan.FromSeconds(10))).Index);
        await honest.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        foreach (var batch in all)
        {
            job.Tell(Completion(id, batch, honest));
        }

        Assert.Equal(Expected, (await FishForFinishedAsync()).View.SoFar);
    }

    [Fact]
    public async Task A_sampled_sieve_result_should_count_once_another_worker_agrees_and_a_disagreement_be_settled_here()
    {
        var spec = Spec with { Algorithm = Algorithm.Sieve };
        var (job, id) = StartJob(spec, settings => settings with { SieveShare = 1 });
        var first = CreateTestProbe();
        var liar = CreateTestProbe();
        var firsts = await TakeAsync(job, first, slots: 5);
        var lies = await TakeAsync(job, liar, slots: 5);

        // Held back, the first worker's result goes to the other worker before anything else.
        job.Tell(Completion(id, firsts[0], first));
        Assert.Equal([firsts[0].Index], (await TakeAsync(job, liar, slots: 1)).Select(b => b.Index));
        job.Tell(Completion(id, firsts[0], liar));
        await FishForMessageAsync(m => m is JobControl.Updated { Checkpoint.View.BatchesDone: 1 }, TimeSpan.FromSeconds(10));

        // The liar's result, checked by the first worker, differs: this node computes it, and the liar is caught.
        job.Tell(new BatchesCompleted(id, [new BatchResult(lies[0].Index, Wrong(lies[0]))], liar.Ref, Token: TokenOf(liar)));
        Assert.Equal([lies[0].Index], (await TakeAsync(job, first, slots: 1)).Select(b => b.Index));
        job.Tell(Completion(id, lies[0], first));
        var mismatch = (JobControl.Mismatch)await FishForMessageAsync(m => m is JobControl.Mismatch, TimeSpan.FromSeconds(10));
        Assert.Equal((liar.Ref, lies[0].Index), (mismatch.Worker, mismatch.Index));

        // With the liar excluded, the first worker is alone: this node gives the second opinions.
        var rest = await TakeAsync(job, first, slots: 10);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i).Except([firsts[0].Index, lies[0].Index]), firsts.Skip(1).Concat(rest).Select(b => b.Index).Order());
        foreach (var batch in firsts.Skip(1).Concat(rest))
        {
            job.Tell(Completion(id, batch, first));
        }

        Assert.Equal(SieveKernel.Instance.Count(1, 10_000), (await FishForFinishedAsync()).View.SoFar);
    }

    [Fact]
    public async Task An_impossible_tally_should_be_checked_even_when_results_are_not_sampled_and_never_overflow_the_sum()
    {
        var (job, id) = StartJob(Spec with { Algorithm = Algorithm.Sieve }, settings => settings with { SieveShare = 0 });
        var liar = CreateTestProbe();
        var honest = CreateTestProbe();
        var lies = await TakeAsync(job, liar, slots: 2);

        job.Tell(new BatchesCompleted(id, lies.Select(b => new BatchResult(b.Index, new Tally(ulong.MaxValue, UInt128.MaxValue))).ToList(), liar.Ref, Token: TokenOf(liar)));

        Assert.Equal(liar.Ref, ((JobControl.Mismatch)await FishForMessageAsync(m => m is JobControl.Mismatch, TimeSpan.FromSeconds(10))).Worker);
        foreach (var batch in await TakeAsync(job, honest, slots: 10))
        {
            job.Tell(Completion(id, batch, honest));
        }

        var finished = await FishForFinishedAsync();
        Assert.Equal(JobState.Done, finished.View.State);
        Assert.Equal(Expected, finished.View.SoFar);
    }

    [Fact]
    public async Task A_lone_workers_sampled_sieve_results_should_be_checked_here_and_count()
    {
        var (job, id) = StartJob(Spec with { Algorithm = Algorithm.Sieve }, settings => settings with { SieveShare = 1 });
        var worker = CreateTestProbe();

        foreach (var batch in await TakeAsync(job, worker, slots: 10))
        {
            job.Tell(Completion(id, batch, worker));
        }

        Assert.Equal(Expected, (await FishForFinishedAsync()).View.SoFar);
    }

    [Fact]
    public async Task A_claim_from_a_worker_not_handed_the_batch_should_be_ignored_and_the_batch_count_once_from_its_holder()
    {
        // Unsampled sieve results count as reported: only holding the batch stands between a claim and the sum.
        var (job, id) = StartJob(Spec with { Algorithm = Algorithm.Sieve }, settings => settings with { SieveShare = 0 });
        var holder = CreateTestProbe();
        var stranger = CreateTestProbe();
        var batches = await TakeAsync(job, holder, slots: 10);

        job.Tell(new BatchesCompleted(id, batches.Select(b => new BatchResult(b.Index, Wrong(b))).ToList(), stranger.Ref, Token: TokenOf(stranger)));
        job.Tell(new BatchesCompleted(id, [new BatchResult(batches[0].Index, Wrong(batches[0]))], stranger.Ref, Token: TokenOf(stranger)));
        foreach (var batch in batches)
        {
            job.Tell(Completion(id, batch, holder));
        }

        await ExpectExactEndAsync();
    }

    [Fact]
    public async Task Results_failures_and_returns_naming_another_worker_without_its_token_should_be_refused_and_that_worker_unharmed()
    {
        // Trial results are all checked here: a wrong one would exclude whoever the ledger takes to have sent it.
        var (job, id) = StartJob();
        var honest = CreateTestProbe();
        var forger = CreateTestProbe();
        var batches = await TakeAsync(job, honest, slots: 5);
        var own = await TakeAsync(job, forger, slots: 1);
        Assert.NotEqual(TokenOf(honest), TokenOf(forger));

        // The forger names the honest worker with its own token, with none, and with a guess; and, to keep its own
        // standing, with the honest worker's batches under its own name, which it does not hold.
        var lies = batches.Select(b => new BatchResult(b.Index, Wrong(b))).ToList();
        foreach (var token in new[] { TokenOf(forger), AssignmentToken.None, new AssignmentToken(UInt128.MaxValue) })
        {
            job.Tell(new BatchesCompleted(id, lies, honest.Ref, Slots: 5, Token: token));
            job.Tell(new BatchesReturned(id, [.. batches.Select(b => b.Index)], honest.Ref, token));
            for (var attempt = 0; attempt < 5; attempt++)
            {
                job.Tell(new BatchFailed(id, batches[0].Index, "made up", honest.Ref, token));
            }
        }

        job.Tell(new BatchesCompleted(id, lies, forger.Ref, Token: TokenOf(forger)));

        // Nothing moved: the honest worker holds its five batches, nobody is excluded, no mismatch was told.
        job.Tell(JobControl.GetHeld.Instance);
        var held = await FishForMessageAsync<JobControl.Held>(m => m is JobControl.Held, TimeSpan.FromSeconds(10));
        Assert.Equal(5, held.ByWorker[honest.Ref]);
        Assert.Empty(held.Excluded);

        job.Tell(Completion(id, own[0], forger));
        foreach (var batch in batches.Concat(await TakeAsync(job, honest, slots: 10)))
        {
            job.Tell(Completion(id, batch, honest));
        }

        // No wrong tally was heard of on the way to the exact end.
        var end = await FishForMessageAsync(m => m is JobControl.Finished or JobControl.Mismatch, TimeSpan.FromSeconds(10));
        Assert.Equal(Expected, Assert.IsType<JobControl.Finished>(end).View.SoFar);
    }

    [Fact]
    public async Task Malformed_reports_should_neither_stop_the_job_nor_fail_it()
    {
        var (job, id) = StartJob(Spec with { Algorithm = Algorithm.Sieve }, settings => settings with { SieveShare = 0 });
        var worker = CreateTestProbe();
        var stranger = CreateTestProbe();
        var batches = await TakeAsync(job, worker, slots: 10);
        var nonsense = new[] { -1L, 10, long.MaxValue, long.MinValue };

        job.Tell(new BatchesCompleted(id, [], worker.Ref, Slots: 1, InFlight: -5, Token: TokenOf(worker)));
        job.Tell(new BatchesCompleted(id, nonsense.Select(i => new BatchResult(i, new Tally(1, 1))).ToList(), worker.Ref, Token: TokenOf(worker)));
        job.Tell(new BatchesCompleted(id, nonsense.Select(i => new BatchResult(i, new Tally(ulong.MaxValue, UInt128.MaxValue))).ToList(), worker.Ref, Token: TokenOf(worker)));
        job.Tell(new BatchesReturned(id, [.. nonsense, batches[0].Index], stranger.Ref, Token: TokenOf(stranger)));
        for (var attempt = 0; attempt < 3; attempt++)
        {
            foreach (var index in nonsense)
            {
                job.Tell(new BatchFailed(id, index, "made up", worker.Ref, Token: TokenOf(worker)));
            }

            job.Tell(new BatchFailed(id, batches[2].Index, "made up", stranger.Ref, Token: TokenOf(stranger)));
        }

        var duplicated = batches.Select(b => new BatchResult(b.Index, True(b))).ToList();
        job.Tell(new BatchesCompleted(id, [.. duplicated.Where(r => r.Index != batches[1].Index), .. duplicated], worker.Ref, Token: TokenOf(worker)));

        await ExpectExactEndAsync();
    }

    [Fact]
    public async Task A_liar_caught_on_a_later_sieve_batch_should_have_its_unchecked_tallies_taken_back_and_the_job_end_exact()
    {
        // Nothing is sampled, but an impossible tally is always checked: the liar is caught on its fifth batch.
        var (job, id) = StartJob(Spec with { Algorithm = Algorithm.Sieve }, settings => settings with { SieveShare = 0 });
        var honest = CreateTestProbe();
        var liar = CreateTestProbe();
        var honests = await TakeAsync(job, honest, slots: 5);
        var lies = await TakeAsync(job, liar, slots: 5);
        job.Tell(Completion(id, honests[0], honest));
        job.Tell(Completion(id, honests[3], honest));
        foreach (var batch in lies.Take(4))
        {
            job.Tell(new BatchesCompleted(id, [new BatchResult(batch.Index, Wrong(batch))], liar.Ref, Token: TokenOf(liar)));
        }

        var counted = (JobControl.Updated)await FishForMessageAsync(m => m is JobControl.Updated { Checkpoint.View.BatchesDone: 6 }, TimeSpan.FromSeconds(10));
        Assert.Equal(lies.Take(4).Select(Wrong).Concat([True(honests[0]), True(honests[3])]).Aggregate(Tally.Zero, (sum, t) => sum + t), counted.Checkpoint.View.SoFar);

        job.Tell(new BatchesCompleted(id, [new BatchResult(lies[4].Index, new Tally(ulong.MaxValue, 1))], liar.Ref, Token: TokenOf(liar)));

        Assert.Equal(lies[4].Index, ((JobControl.Mismatch)await FishForMessageAsync(m => m is JobControl.Mismatch, TimeSpan.FromSeconds(10))).Index);
        var checkpoint = ((JobControl.Updated)await FishForMessageAsync(m => m is JobControl.Updated, TimeSpan.FromSeconds(10))).Checkpoint;
        Assert.Equal(2, checkpoint.View.BatchesDone);
        Assert.Equal([new BatchSpan(honests[0].Index, honests[0].Index), new BatchSpan(honests[3].Index, honests[3].Index)], checkpoint.Done);
        Assert.Equal(True(honests[0]) + True(honests[3]), checkpoint.View.SoFar);

        // Every batch of the liar's, counted or not, is counted again by the honest worker.
        var redo = await TakeAsync(job, honest, slots: 10);
        Assert.Equal(lies.Select(b => b.Index).Order(), redo.Select(b => b.Index).Order());
        foreach (var batch in honests.Concat(redo))
        {
            job.Tell(Completion(id, batch, honest));
        }

        await ExpectExactEndAsync();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _verifier.Dispose();
    }

    private (IActorRef Job, JobId Id) StartJob(JobSpec? spec = null, Func<PrimeClusterSettings, PrimeClusterSettings>? adjust = null)
    {
        var id = JobId.New();
        var settings = PrimeClusterSettings.From(Sys.Settings.Config);
        var plan = (spec ?? Spec).Plan(1);
        var props = JobActor.Props(JobCheckpoint.Start(id, spec ?? Spec, plan, DateTimeOffset.UtcNow, workers: 1), plan, adjust?.Invoke(settings) ?? settings, _verifier);

        // As under the coordinator: a job actor that throws stops rather than start again from nothing.
        var job = ChildActorOf(props, new OneForOneStrategy(_ => Directive.Stop));
        Watch(job);
        return (job, id);
    }

    private static Tally True(BatchWork batch) => SieveKernel.Instance.Count(batch.Range.From, batch.Range.Til);

    private static Tally Wrong(BatchWork batch) => True(batch) with { PrimeCount = True(batch).PrimeCount + 1 };

    private async Task<IReadOnlyList<BatchWork>> TakeAsync(IActorRef job, Akka.TestKit.TestProbe worker, int slots)
    {
        job.Tell(new JobControl.OfferWork(worker.Ref, slots));
        return (await ExpectAssignmentAsync(worker)).Batches;
    }

    /// <summary>The worker's next assignment; its token is what the worker's results echo from then on.</summary>
    private async Task<WorkAssignment> ExpectAssignmentAsync(Akka.TestKit.TestProbe worker)
    {
        var assignment = await worker.ExpectMsgAsync<WorkAssignment>();
        Assert.NotEqual(AssignmentToken.None, assignment.Token);
        _tokens[worker.Ref] = assignment.Token;
        return assignment;
    }

    /// <summary>The token of the worker's assignments, as the worker has it: none before it got one.</summary>
    private AssignmentToken TokenOf(Akka.TestKit.TestProbe worker) => _tokens.GetValueOrDefault(worker.Ref);

    private BatchesCompleted Completion(JobId id, BatchWork batch, Akka.TestKit.TestProbe worker) =>
        new(id, [new BatchResult(batch.Index, SieveKernel.Instance.Count(batch.Range.From, batch.Range.Til))], worker.Ref, Token: TokenOf(worker));

    /// <summary>The job ends done with every batch counted once and the exact tally, its actor never stopped by a throw.</summary>
    private async Task ExpectExactEndAsync()
    {
        var end = await FishForMessageAsync(m => m is JobControl.Finished or Terminated, TimeSpan.FromSeconds(10));
        var finished = Assert.IsType<JobControl.Finished>(end);
        Assert.Equal(JobState.Done, finished.View.State);
        Assert.Equal(Expected, finished.View.SoFar);
        Assert.Equal(10, finished.View.BatchesDone);
    }

    private async Task<JobControl.Finished> FishForFinishedAsync() =>
        (JobControl.Finished)await FishForMessageAsync(m => m is JobControl.Finished, TimeSpan.FromSeconds(10));
}
