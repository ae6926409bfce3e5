using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Coordination;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Kernels;
using static PrimeCluster.Actors.Messages.ClusterProtocol;
using static PrimeCluster.Actors.Messages.JobProtocol;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Actors.Tests;

public sealed class CoordinatorSpecs : TestKit
{
    private readonly IActorRef _coordinator;

    public CoordinatorSpecs()
        : base(TestConfig.SerializeEverything(TestConfig.Node("seed")))
    {
        _coordinator = Sys.ActorOf(CoordinatorActor.Props(PrimeClusterSettings.From(Sys.Settings.Config)), "coordinator");
    }

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
    public async Task Coordinator_should_run_a_job_to_its_exact_tally_and_remember_it()
    {
        var id = await SubmitAsync(new JobSpec(new NumberRange(0, 50_000), Batches: 12));
        var worker = CreateTestProbe();

        await ComputeAllAsync(worker);

        await AssertDoneExactlyAsync(id, new NumberRange(0, 50_000));
        _coordinator.Tell(new GetJobs(10));
        Assert.Contains(id, (await ExpectMsgAsync<JobList>()).Jobs.Select(j => j.Id));
    }

    [Fact]
    public async Task Coordinator_should_hand_a_formula_job_out_as_one_batch_whatever_count_was_asked()
    {
        var range = new NumberRange(1, 10_000_000_000);
        var id = await SubmitAsync(new JobSpec(range, Algorithm.Formula, Batches: 8));
        var worker = CreateTestProbe();

        var assignment = await RequestAsync(worker, slots: 4);
        Complete(assignment!, worker);

        Assert.Equal([new BatchWork(0, range)], assignment!.Batches);
        _coordinator.Tell(new AwaitJob(id));
        var view = await ExpectMsgAsync<JobView>(TimeSpan.FromSeconds(10));
        Assert.Equal(JobState.Done, view.State);
        Assert.Equal(1, view.BatchCount);
        Assert.Equal(new Tally(455_052_511, 2_220_827_921_972_188_447), view.Result);
    }

    [Fact]
    public async Task Coordinator_should_refuse_a_formula_job_beyond_the_formulas_top()
    {
        _coordinator.Tell(new SubmitJob(new JobSpec(new NumberRange(0, FormulaKernel.MaxTil + 1), Algorithm.Formula)));

        var refused = await ExpectMsgAsync<JobRejected>();
        Assert.Equal(JobRejection.InvalidPlan, refused.Why);
        Assert.Contains(FormulaKernel.MaxTilText, refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_subscriber_should_get_the_picture_then_jobs_workers_and_throughput_as_they_move()
    {
        var earlier = await SubmitAsync(new JobSpec(new NumberRange(0, 10_000), Batches: 2));
        var watcher = CreateTestProbe();
        var worker = CreateTestProbe();
        _coordinator.Tell(new MonitoringProtocol.SubscribeToCluster(watcher.Ref));

        Assert.Equal([earlier], (await watcher.ExpectMsgAsync<JobList>()).Jobs.Select(j => j.Id));
        Assert.Empty((await watcher.ExpectMsgAsync<MonitoringProtocol.Activity>()).Nodes);
        Assert.Empty((await watcher.ExpectMsgAsync<MonitoringProtocol.ThroughputHistory>()).Samples);

        var id = await SubmitAsync(new JobSpec(new NumberRange(0, 50_000), Batches: 6));
        var first = await RequestAsync(worker, slots: 2);
        await watcher.FishForMessageAsync<MonitoringProtocol.Activity>(a => a.Nodes.Any(n => n.Workers == 1 && n.Busy == 1), TimeSpan.FromSeconds(5));
        Complete(first!, worker);
        await ComputeAllAsync(worker);

        await watcher.FishForMessageAsync(m => m is JobView { State: JobState.Done } view && view.Id == id, TimeSpan.FromSeconds(10));
        var sample = await watcher.FishForMessageAsync<MonitoringProtocol.ThroughputSample>(s => s.Nodes.Count > 0, TimeSpan.FromSeconds(5));
        Assert.Equal(Akka.Cluster.Cluster.Get(Sys).SelfAddress, sample.Nodes.Single().Node);

        // Subscribing again changes nothing but a word.
        _coordinator.Tell(new MonitoringProtocol.SubscribeToCluster(watcher.Ref));
        await watcher.FishForMessageAsync(m => m is MonitoringProtocol.StillSubscribed, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_job_subscriber_with_batches_should_see_each_hand_out_counted()
    {
        var id = await SubmitAsync(new JobSpec(new NumberRange(0, 50_000), Batches: 5));
        var watcher = CreateTestProbe();
        var worker = CreateTestProbe();
        _coordinator.Tell(new SubscribeToJob(id, watcher.Ref, Batches: true));
        var snapshot = await watcher.FishForMessageAsync<MonitoringProtocol.BatchTimeline>(_ => true, TimeSpan.FromSeconds(5));
        Assert.True(snapshot.Snapshot);
        Assert.Empty(snapshot.Batches);

        await ComputeAllAsync(worker);

        var outcomes = new Dictionary<long, MonitoringProtocol.BatchOutcome>();
        await watcher.FishForMessageAsync(
            m =>
            {
                foreach (var record in (m as MonitoringProtocol.BatchTimeline)?.Batches ?? [])
                {
                    outcomes[record.Index] = record.Outcome;
                }

                return m is JobView { State: JobState.Done };
            },
            TimeSpan.FromSeconds(10));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => ((long)i, MonitoringProtocol.BatchOutcome.Counted)), outcomes.OrderBy(o => o.Key).Select(o => (o.Key, o.Value)));

        // Later, the finished job's timeline comes before its view.
        var late = CreateTestProbe();
        _coordinator.Tell(new SubscribeToJob(id, late.Ref, Batches: true));
        Assert.Equal(5, (await late.ExpectMsgAsync<MonitoringProtocol.BatchTimeline>()).Batches.Count);
        Assert.Equal(JobState.Done, (await late.ExpectMsgAsync<JobView>()).State);
    }

    [Fact]
    public async Task Coordinator_should_share_workers_fairly_between_running_jobs()
    {
        var first = await SubmitAsync(new JobSpec(new NumberRange(0, 100_000), Batches: 20));
        var second = await SubmitAsync(new JobSpec(new NumberRange(0, 100_000), Algorithm.Sieve, Batches: 20));
        var worker = CreateTestProbe();

        var order = new List<JobId>();
        for (var i = 0; i < 12; i++)
        {
            var assignment = await RequestAsync(worker, slots: 1);
            order.Add(assignment!.JobId);
            Complete(assignment, worker);
        }

        Assert.Equal(6, order.Count(id => id == first));
        Assert.Equal(6, order.Count(id => id == second));
        Assert.All(order.Zip(order.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
    }

    [Fact]
    public async Task Requests_that_come_with_results_should_be_served_by_a_job_alone_and_keep_the_turns_of_two()
    {
        var first = await SubmitAsync(new JobSpec(new NumberRange(0, 100_000), Batches: 20));
        var worker = CreateTestProbe();
        var assignment = await RequestAsync(worker, slots: 1);
        for (var i = 0; i < 3; i++)
        {
            Complete(assignment!, worker, slots: 1);
            assignment = await worker.ExpectMsgAsync<WorkAssignment>();
            Assert.Equal(first, assignment.JobId);
        }

        var second = await SubmitAsync(new JobSpec(new NumberRange(0, 100_000), Algorithm.Sieve, Batches: 20));
        var order = new List<JobId>();
        for (var i = 0; i < 12; i++)
        {
            Complete(assignment!, worker, slots: 1);
            assignment = await worker.ExpectMsgAsync<WorkAssignment>();
            order.Add(assignment.JobId);
        }

        Assert.Equal(6, order.Count(id => id == first));
        Assert.Equal(6, order.Count(id => id == second));
        Assert.All(order.Zip(order.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
    }

    [Fact]
    public async Task Coordinator_should_give_a_dead_workers_batches_to_another_worker()
    {
        var id = await SubmitAsync(new JobSpec(new NumberRange(0, 80_000), Batches: 8));
        var doomed = CreateTestProbe();
        var survivor = CreateTestProbe();
        var lost = await RequestAsync(doomed, slots: 3);
        Assert.Equal(3, lost!.Batches.Count);

        Sys.Stop(doomed.Ref);
        await ComputeAllAsync(survivor);

        await AssertDoneExactlyAsync(id, new NumberRange(0, 80_000));
    }

    [Fact]
    public async Task An_idle_worker_should_race_a_copy_of_a_late_batch_and_the_loser_should_drop_it()
    {
        var id = await SubmitAsync(new JobSpec(new NumberRange(0, 80_000), Batches: 3));
        var slow = CreateTestProbe();
        var slower = CreateTestProbe();
        var fast = CreateTestProbe();
        var held = await RequestAsync(slow, slots: 1);
        Assert.Equal([0L], held!.Batches.Select(b => b.Index));
        var stalled = await RequestAsync(slower, slots: 1);
        Assert.Equal([1L], stalled!.Batches.Select(b => b.Index));
        var own = await RequestAsync(fast, slots: 1);
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Complete(own!, fast);

        // Out about as long as the fast worker's batch took (300 ms), the others' are not late yet; out over twice as
        // long, they are, and the one handed out last is copied.
        Assert.Null(await RequestAsync(fast, slots: 1));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var copy = await RequestAsync(fast, slots: 1);
        Assert.Equal([1L], copy!.Batches.Select(b => b.Index));

        // The copy reports first: its other holder is told to drop that batch, and its own result is not counted again.
        Complete(copy, fast);
        await slower.FishForMessageAsync(m => m is DropBatches d && d.JobId == id && d.Indices.SequenceEqual([1L]));
        Complete(stalled, slower);
        Complete(held, slow);

        await AssertDoneExactlyAsync(id, new NumberRange(0, 80_000));
    }

    [Fact]
    public async Task A_worker_with_nothing_left_should_race_a_copy_of_a_batch_waiting_at_a_busy_worker_at_once()
    {
        var id = await SubmitAsync(new JobSpec(new NumberRange(0, 80_000), Batches: 3));
        var busy = CreateTestProbe();
        var other = CreateTestProbe();
        var held = await RequestAsync(busy, slots: 2);
        Assert.Equal([0L, 1], held!.Batches.Select(b => b.Index));
        var own = await RequestAsync(other, slots: 2);
        Assert.Equal([2L], own!.Batches.Select(b => b.Index));

        // While it still has a batch of its own, no copy: nothing is late yet.
        Assert.Null(await RequestAsync(other, slots: 1));

        // With nothing left, it takes a copy of the batch waiting behind the busy worker's first, without waiting.
        Complete(own, other);
        var copy = await RequestAsync(other, slots: 2);
        Assert.Equal([1L], copy!.Batches.Select(b => b.Index));
        Complete(copy, other);
        await busy.FishForMessageAsync(m => m is DropBatches d && d.JobId == id && d.Indices.SequenceEqual([1L]));
        Complete(held, busy);

        await AssertDoneExactlyAsync(id, new NumberRange(0, 80_000));
    }

    [Fact]
    public async Task A_waiting_batch_should_go_to_an_idle_worker_before_any_copy()
    {
        var running = await SubmitAsync(new JobSpec(new NumberRange(0, 80_000), Batches: 1));
        var busy = CreateTestProbe();
        Assert.Equal(running, (await RequestAsync(busy, slots: 1))!.JobId);
        var waiting = await SubmitAsync(new JobSpec(new NumberRange(0, 80_000), Batches: 1));

        var assignment = await RequestAsync(CreateTestProbe(), slots: 1);

        Assert.Equal(waiting, assignment!.JobId);
    }

    [Fact]
    public async Task Cancelling_should_stop_the_workers_and_answer_with_the_cancelled_job()
    {
        var id = await SubmitAsync(new JobSpec(new NumberRange(0, 80_000), Batches: 8));
        var worker = CreateTestProbe();
        await RequestAsync(worker, slots: 2);

        _coordinator.Tell(new CancelJob(id));

        await worker.FishForMessageAsync(m => m is CancelWork c && c.JobId == id);
        Assert.Equal(JobState.Cancelled, (await ExpectMsgAsync<JobView>()).State);
        Assert.Null(await RequestAsync(worker, slots: 1));
    }

    [Fact]
    public async Task Coordinator_should_answer_for_unknown_and_refused_jobs()
    {
        var unknown = new JobId("nosuchjob1");
        _coordinator.Tell(new GetJob(unknown));
        await ExpectMsgAsync<JobNotFound>(n => n.Id == unknown);

        _coordinator.Tell(new SubmitJob(new JobSpec(new NumberRange(0, 10), Batches: 0)));
        await ExpectMsgAsync<JobRejected>();
    }

    [Fact]
    public async Task Coordinator_should_report_each_worker_and_the_batches_it_holds()
    {
        await SubmitAsync(new JobSpec(new NumberRange(0, 80_000), Batches: 8));
        var busy = CreateTestProbe();
        var idle = CreateTestProbe();
        await RequestAsync(busy, slots: 2);
        _coordinator.Tell(new RequestWork(idle.Ref, 0, 0), idle.Ref);

        await AwaitAssertAsync(async () =>
        {
            _coordinator.Tell(GetWorkers.Instance);
            var workers = (await ExpectMsgAsync<WorkerList>()).Workers;
            Assert.Equal(2, workers.Count);
            Assert.Contains(workers, w => w.Path == busy.Ref.Path.ToStringWithoutAddress() && w.Batches == 2);
            Assert.All(workers, w => Assert.True(w.Node.HasGlobalScope));
        });
    }

    [Fact]
    public async Task Coordinator_should_forget_the_oldest_finished_jobs_while_an_older_job_runs()
    {
        var coordinator = Sys.ActorOf(CoordinatorActor.Props(PrimeClusterSettings.From(Sys.Settings.Config) with { History = 3, Checkpoints = false }));
        var worker = CreateTestProbe();
        var running = await SubmitAsync(new JobSpec(new NumberRange(0, 80_000), Batches: 1), coordinator);
        Assert.Equal(running, (await RequestAsync(worker, slots: 1, coordinator))!.JobId);

        // The running job's one batch stays out: each of these is all there is to hand out, and it finishes.
        var finished = new List<JobId>();
        for (var i = 0; i < 5; i++)
        {
            finished.Add(await SubmitAsync(new JobSpec(new NumberRange(0, 1_000 + (ulong)i), Batches: 1), coordinator));
            Complete((await RequestAsync(worker, slots: 1, coordinator))!, worker);
            coordinator.Tell(new AwaitJob(finished[^1]));
            Assert.Equal(JobState.Done, (await ExpectMsgAsync<JobView>()).State);
        }

        coordinator.Tell(new GetJobs(GetJobs.MaxLimit));
        var kept = (await ExpectMsgAsync<JobList>()).Jobs.Select(j => j.Id.Value).Order(StringComparer.Ordinal);
        Assert.Equal(finished[2..].Append(running).Select(id => id.Value).Order(StringComparer.Ordinal), kept);
    }

    [Fact]
    public async Task Coordinator_should_list_jobs_newest_first_in_pages()
    {
        var ids = new List<JobId>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await SubmitAsync(new JobSpec(new NumberRange(0, 1_000 + (ulong)i), Batches: 1)));
        }

        _coordinator.Tell(new GetJobs(GetJobs.MaxLimit));
        var all = await ExpectMsgAsync<JobList>();
        Assert.False(all.More);
        Assert.Equal(ids.Select(id => id.Value).Order(StringComparer.Ordinal), all.Jobs.Select(j => j.Id.Value).Order(StringComparer.Ordinal));
        Assert.True(all.Jobs.Zip(all.Jobs.Skip(1)).All(p => p.First.SubmittedAt >= p.Second.SubmittedAt), "newest first");

        var paged = new List<JobId>();
        JobId? before = null;
        for (var page = 0; page < 3; page++)
        {
            _coordinator.Tell(new GetJobs(2, before));
            var list = await ExpectMsgAsync<JobList>();
            paged.AddRange(list.Jobs.Select(j => j.Id));
            Assert.Equal(page < 2, list.More);
            before = list.Jobs[^1].Id;
        }

        Assert.Equal(all.Jobs.Select(j => j.Id), paged);
        _coordinator.Tell(new GetJobs(2, new JobId("gone000000")));
        Assert.Equal(new JobId("gone000000"), (await ExpectMsgAsync<JobNotFound>()).Id);
    }

    [Fact]
    public async Task Coordinator_should_refuse_a_trial_job_over_the_cost_limit_unless_its_cost_is_accepted()
    {
        var huge = new JobSpec(new NumberRange(1, 100_000_000));

        _coordinator.Tell(new SubmitJob(huge));
        var refused = await ExpectMsgAsync<JobRejected>();
        Assert.Equal(JobRejection.OverCostLimit, refused.Why);
        Assert.Contains("--algorithm formula", refused.Reason, StringComparison.Ordinal);
        Assert.Contains("1 h 00 min", refused.Reason, StringComparison.Ordinal);

        _coordinator.Tell(new SubmitJob(huge with { Algorithm = Algorithm.Sieve }));
        await ExpectMsgAsync<JobAccepted>();
        _coordinator.Tell(new SubmitJob(huge, AcceptCost: true));
        var accepted = await ExpectMsgAsync<JobAccepted>();
        _coordinator.Tell(new CancelJob(accepted.Id));
        Assert.Equal(JobState.Cancelled, (await ExpectMsgAsync<JobView>()).State);
    }

    [Fact]
    public async Task The_cost_limit_should_weigh_four_worker_actors_on_one_two_core_host_as_two_cores()
    {
        // The one-machine recipe: two worker nodes of two worker actors each, all on one two-core host.
        for (var i = 0; i < 4; i++)
        {
            _coordinator.Tell(new RequestWork(CreateTestProbe().Ref, 0, 0, Cores: 2));
        }

        _coordinator.Tell(new SubmitJob(new JobSpec(new NumberRange(1, 100_000_000))));

        // Nothing measured yet: two cores at the nominal 8 G checks/s, not four.
        var refused = await ExpectMsgAsync<JobRejected>();
        Assert.Contains("at 16.0G checks/s", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cost_limit_should_weigh_a_cluster_at_the_pace_a_core_measured_and_at_its_size_now()
    {
        var clock = new ManualClock();
        var coordinator = Sys.ActorOf(CoordinatorActor.Props(PrimeClusterSettings.From(Sys.Settings.Config) with { Checkpoints = false }, clock));
        var huge = new JobSpec(new NumberRange(1, 1_000_000_000));
        var first = CreateTestProbe();
        coordinator.Tell(new RequestWork(first.Ref, 0, 0, Cores: 2));

        // A trial job big enough to measure, 1711580852 checks run by one worker, so on one core, in 10 s.
        var range = new NumberRange(1, 200_000);
        var measured = await SubmitAsync(new JobSpec(range), coordinator);
        clock.Advance(TimeSpan.FromSeconds(10));
        await ComputeAllAsync(first, coordinator);
        await AssertDoneExactlyAsync(measured, range, coordinator);

        // 171 M checks a core-second where single-precision lanes should do 16 G: 1.07% of nominal, so 85.6 M a core
        // for numbers in double-precision lanes (nominal 8 G); twice that once a second worker, on another core, joins.
        coordinator.Tell(new SubmitJob(huge));
        Assert.Contains("at 85.6M checks/s", (await ExpectMsgAsync<JobRejected>()).Reason, StringComparison.Ordinal);
        coordinator.Tell(new RequestWork(CreateTestProbe().Ref, 0, 0, Cores: 2));
        coordinator.Tell(new SubmitJob(huge));
        Assert.Contains("at 171M checks/s", (await ExpectMsgAsync<JobRejected>()).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_excluded_from_a_job_should_be_offered_only_other_jobs_and_both_end_exact()
    {
        var range = new NumberRange(0, 80_000);
        var first = await SubmitAsync(new JobSpec(range, Batches: 8));
        var liar = CreateTestProbe();
        var honest = CreateTestProbe();
        var lie = await RequestAsync(liar, slots: 2);

        var wrong = lie!.Batches.Select(b => new BatchResult(b.Index, new Tally(7, 7))).ToList();
        lie.Job.Tell(new BatchesCompleted(first, wrong, liar.Ref), liar.Ref);
        await AwaitAssertAsync(
            async () =>
            {
                _coordinator.Tell(GetWorkers.Instance);
                var list = await ExpectMsgAsync<WorkerList>();
                Assert.Contains(list.Workers, w => w.Path == liar.Ref.Path.ToStringWithoutAddress() && w.Excluded);
                Assert.Equal([1], list.Mismatches.Select(n => n.Count));
            },
            TimeSpan.FromSeconds(10));

        // Batches of the first job wait, but not for the liar; those of a second job do.
        Assert.Null(await RequestAsync(liar, slots: 1));
        var second = await SubmitAsync(new JobSpec(range, Batches: 8));
        for (var round = 0; round < 3; round++)
        {
            var assignment = await RequestAsync(liar, slots: 1);
            Assert.Equal(second, assignment!.JobId);
            Complete(assignment, liar);
        }

        await ComputeAllAsync(honest);
        await AssertDoneExactlyAsync(first, range);
        await AssertDoneExactlyAsync(second, range);
    }

    [Fact]
    public async Task A_worker_caught_in_one_job_should_be_excluded_from_every_running_job()
    {
        var range = new NumberRange(0, 80_000);
        var first = await SubmitAsync(new JobSpec(range, Batches: 8));
        var second = await SubmitAsync(new JobSpec(range, Batches: 8));
        var liar = CreateTestProbe();
        var honest = CreateTestProbe();
        var fromFirst = await RequestAsync(liar, slots: 1);
        var fromSecond = await RequestAsync(liar, slots: 1);
        Assert.True(new[] { first, second }.ToHashSet().SetEquals([fromFirst!.JobId, fromSecond!.JobId]), "the liar should hold a batch of each job");

        var lie = fromFirst.JobId == first ? fromFirst : fromSecond;
        lie.Job.Tell(new BatchesCompleted(first, lie.Batches.Select(b => new BatchResult(b.Index, new Tally(7, 7))).ToList(), liar.Ref), liar.Ref);

        // The second job drops the liar too: it is told to cancel that job's batch, and gets no more of either.
        await liar.FishForMessageAsync(m => m is CancelWork cancel && cancel.JobId == second, TimeSpan.FromSeconds(10));
        Assert.Null(await RequestAsync(liar, slots: 1));
        await ComputeAllAsync(honest);
        await AssertDoneExactlyAsync(first, range);
        await AssertDoneExactlyAsync(second, range);
    }

    [Fact]
    public async Task A_job_should_count_the_workers_that_can_take_its_batches_from_none()
    {
        var range = new NumberRange(0, 80_000);
        var id = await SubmitAsync(new JobSpec(range, Batches: 8));
        var queued = await GetAsync(id);
        Assert.Equal(JobState.Queued, queued.State);
        Assert.Equal(0, queued.Workers);

        // Workers count as they register, lost ones no more, and nor does one excluded for a wrong tally.
        var liar = CreateTestProbe();
        var honest = CreateTestProbe();
        var passing = CreateTestProbe();
        foreach (var worker in new[] { liar, honest, passing })
        {
            _coordinator.Tell(new RequestWork(worker.Ref, 0, 0), worker.Ref);
        }

        await AwaitWorkersAsync(id, 3);
        Sys.Stop(passing.Ref);
        await AwaitWorkersAsync(id, 2);
        var lie = await RequestAsync(liar, slots: 1);
        lie!.Job.Tell(new BatchesCompleted(id, lie.Batches.Select(b => new BatchResult(b.Index, new Tally(7, 7))).ToList(), liar.Ref), liar.Ref);
        await AwaitWorkersAsync(id, 1);

        await ComputeAllAsync(honest);
        _coordinator.Tell(new AwaitJob(id));
        Assert.Equal(1, (await ExpectMsgAsync<JobView>(TimeSpan.FromSeconds(10))).Workers);
    }

    [Fact]
    public async Task A_subscriber_should_be_told_the_job_as_it_moves_and_last_as_it_ended()
    {
        var range = new NumberRange(0, 80_000);
        var id = await SubmitAsync(new JobSpec(range, Batches: 4));
        var subscriber = CreateTestProbe();
        var worker = CreateTestProbe();

        _coordinator.Tell(new SubscribeToJob(id, subscriber.Ref));
        Assert.Equal(JobState.Queued, (await subscriber.ExpectMsgAsync<JobView>()).State);
        var views = new List<JobView>();
        for (var batch = 0; batch < 4; batch++)
        {
            Complete((await RequestAsync(worker, slots: 1))!, worker);
            views.Add(await subscriber.FishForMessageAsync<JobView>(v => v.BatchesDone > batch, TimeSpan.FromSeconds(10)));
        }

        Assert.Equal([1L, 2, 3, 4], views.Select(v => v.BatchesDone));
        Assert.Equal(JobState.Done, views[^1].State);
        Assert.Equal(SieveKernel.Instance.Count(range.From, range.Til), views[^1].Result);
        Assert.Equal(1, views[^1].Workers);
        await subscriber.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));

        // Once it has ended, a subscriber gets the finished job at once; an unknown job is said to be unknown.
        _coordinator.Tell(new SubscribeToJob(id, subscriber.Ref));
        Assert.Equal(JobState.Done, (await subscriber.ExpectMsgAsync<JobView>()).State);
        _coordinator.Tell(new SubscribeToJob(new JobId("nosuchjob1"), subscriber.Ref));
        await subscriber.ExpectMsgAsync<JobNotFound>();
    }

    private async Task<JobView> GetAsync(JobId id)
    {
        _coordinator.Tell(new GetJob(id));
        return await ExpectMsgAsync<JobView>();
    }

    /// <summary>Until the job shows this many workers; its actor hears of them from the coordinator and reports back.</summary>
    private Task AwaitWorkersAsync(JobId id, int count) =>
        AwaitAssertAsync(async () => Assert.Equal(count, (await GetAsync(id)).Workers), TimeSpan.FromSeconds(10));

    /// <summary>The job ends done, with the exact tally of its range.</summary>
    private async Task AssertDoneExactlyAsync(JobId id, NumberRange range, IActorRef? coordinator = null)
    {
        (coordinator ?? _coordinator).Tell(new AwaitJob(id));
        var view = await ExpectMsgAsync<JobView>(TimeSpan.FromSeconds(10));
        Assert.Equal(JobState.Done, view.State);
        Assert.Equal(SieveKernel.Instance.Count(range.From, range.Til), view.Result);
    }

    private async Task<JobId> SubmitAsync(JobSpec spec, IActorRef? coordinator = null)
    {
        (coordinator ?? _coordinator).Tell(new SubmitJob(spec));
        return (await ExpectMsgAsync<JobAccepted>()).Id;
    }

    /// <summary>The worker's request answered with batches, or null when there is nothing to do.</summary>
    private async Task<WorkAssignment?> RequestAsync(TestProbe worker, int slots, IActorRef? coordinator = null)
    {
        (coordinator ?? _coordinator).Tell(new RequestWork(worker.Ref, slots, 0), worker.Ref);
        var answer = await worker.FishForMessageAsync(m => m is WorkAssignment or NoWorkNow);
        return answer as WorkAssignment;
    }

    /// <summary>Reports the assignment's results, asking for <paramref name="slots"/> more batches with them.</summary>
    private static void Complete(WorkAssignment assignment, TestProbe worker, int slots = 0)
    {
        var kernel = PrimeKernels.For(assignment.Algorithm);
        var results = assignment.Batches.Select(b => new BatchResult(b.Index, kernel.Count(b.Range.From, b.Range.Til))).ToList();
        assignment.Job.Tell(new BatchesCompleted(assignment.JobId, results, worker.Ref, slots), worker.Ref);
    }

    /// <summary>Asks for and completes batches until there are none left; bounded by the batch count of any test.</summary>
    private async Task ComputeAllAsync(TestProbe worker, IActorRef? coordinator = null)
    {
        for (var round = 0; round < 100 && await RequestAsync(worker, slots: 4, coordinator) is { } assignment; round++)
        {
            Complete(assignment, worker);
        }
    }
}
