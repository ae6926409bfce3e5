using Akka.Actor;
using Akka.Event;
using Akka.TestKit.Xunit2;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Actors.Workers;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Testing;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Actors.Tests;

public sealed class WorkerActorSpecs : TestKit
{
    /// <summary>What a loaded machine may take to answer, a first batch compiling its kernel included.</summary>
    private static readonly TimeSpan Allowance = TimeSpan.FromSeconds(10);
    private readonly ComputeScheduler _scheduler = new(1, "test-compute");
    private readonly Akka.TestKit.TestProbe _coordinator;
    private readonly Akka.TestKit.TestProbe _job;
    private readonly IActorRef _worker;

    public WorkerActorSpecs()
        : base(TestConfig.SerializeEverything(TestConfig.Node("worker", seeds: "akka.tcp://primecluster@127.0.0.1:1")))
    {
        _coordinator = CreateTestProbe();
        _job = CreateTestProbe();
        _worker = Sys.ActorOf(WorkerActor.Props(_coordinator.Ref, _scheduler, PrimeClusterSettings.From(Sys.Settings.Config)));
    }

    [Fact]
    public async Task Worker_should_ask_for_work_at_once_and_report_exact_tallies_to_the_job()
    {
        var request = await _coordinator.ExpectMsgAsync<RequestWork>(Allowance);
        Assert.Equal(_worker, request.Worker);
        Assert.Equal(2, request.Slots);

        var id = JobId.New();
        _worker.Tell(new WorkAssignment(id, _job.Ref, Algorithm.Trial, [new BatchWork(3, new NumberRange(1, 50_000)), new BatchWork(4, new NumberRange(50_001, 60_000))]));

        var reports = new List<BatchesCompleted>();
        while (reports.Sum(r => r.Results.Count) < 2)
        {
            var completed = await _job.ExpectMsgAsync<BatchesCompleted>(TimeSpan.FromSeconds(10));
            Assert.Equal(id, completed.JobId);
            reports.Add(completed);
        }

        Assert.Equal(
            [new BatchResult(3, SieveKernel.Instance.Count(1, 50_000)), new BatchResult(4, SieveKernel.Instance.Count(50_001, 60_000))],
            reports.SelectMany(r => r.Results));

        // It asks for more along with its first result; unanswered, it asks the coordinator again later.
        Assert.True(reports[0].Slots > 0);
        await _coordinator.FishForMessageAsync(m => m is RequestWork { InFlight: 0 }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Worker_should_count_a_formula_batch_on_every_core_from_its_one_compute_thread()
    {
        await _coordinator.ExpectMsgAsync<RequestWork>(Allowance);
        var id = JobId.New();

        // Wide enough that the formula splits its steps across cores, which its compute thread alone cannot run.
        _worker.Tell(new WorkAssignment(id, _job.Ref, Algorithm.Formula, [new BatchWork(0, new NumberRange(0, 30_000_000_000))]));

        var completed = await _job.ExpectMsgAsync<BatchesCompleted>(TimeSpan.FromSeconds(60));
        Assert.Equal([new BatchResult(0, new Tally(1_300_005_926, UInt128.Parse("19056871068975661420")))], completed.Results);
    }

    [Fact]
    public async Task Worker_should_count_with_the_kernels_it_is_handed()
    {
        var liar = LyingKernel.Instant(Algorithm.Sieve);
        var worker = Sys.ActorOf(WorkerActor.Props(CreateTestProbe().Ref, _scheduler, PrimeClusterSettings.From(Sys.Settings.Config), liar.AsSource()));
        var id = JobId.New();

        worker.Tell(new WorkAssignment(id, _job.Ref, Algorithm.Sieve, [new BatchWork(0, new NumberRange(1, 1_000))]));
        var sieve = await _job.ExpectMsgAsync<BatchesCompleted>(Allowance);
        worker.Tell(new WorkAssignment(id, _job.Ref, Algorithm.Trial, [new BatchWork(1, new NumberRange(1, 1_000))]));
        var trial = await _job.ExpectMsgAsync<BatchesCompleted>(TimeSpan.FromSeconds(10));

        Assert.Equal(new Tally(7, 7), sieve.Results.Single().Tally);
        Assert.Equal(SieveKernel.Instance.Count(1, 1_000), trial.Results.Single().Tally);
        Assert.Equal(1, liar.Lies);
    }

    [Fact]
    public async Task Worker_should_stop_a_cancelled_jobs_batch_and_report_nothing()
    {
        await _coordinator.ExpectMsgAsync<RequestWork>(Allowance);
        var id = JobId.New();

        // Minutes of work on one core, cancelled a moment after it starts.
        _worker.Tell(new WorkAssignment(id, _job.Ref, Algorithm.Trial, [new BatchWork(0, new NumberRange(1, 20_000_000)), new BatchWork(1, new NumberRange(1, 10))]));
        await Task.Delay(200);
        _worker.Tell(new CancelWork(id));

        await _job.ExpectNoMsgAsync(TimeSpan.FromSeconds(1));
        await _coordinator.FishForMessageAsync(m => m is RequestWork { InFlight: 0 }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Worker_should_stop_and_drop_batches_counted_from_another_workers_copy_and_compute_the_rest()
    {
        await _coordinator.ExpectMsgAsync<RequestWork>(Allowance);
        var id = JobId.New();

        // Minutes of work that another worker's copy has already counted, and two short batches it has not.
        _worker.Tell(new WorkAssignment(id, _job.Ref, Algorithm.Trial, [
            new BatchWork(0, new NumberRange(1, 20_000_000)),
            new BatchWork(1, new NumberRange(1, 10)),
            new BatchWork(2, new NumberRange(11, 20)),
        ]));
        await Task.Delay(200);
        _worker.Tell(new DropBatches(id, [0, 2]));

        var completed = await _job.ExpectMsgAsync<BatchesCompleted>(TimeSpan.FromSeconds(10));
        Assert.Equal([new BatchResult(1, SieveKernel.Instance.Count(1, 10))], completed.Results);
        await _job.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task Worker_should_drop_the_batches_of_a_job_whose_actor_is_gone_and_ask_for_more()
    {
        await _coordinator.ExpectMsgAsync<RequestWork>(Allowance);
        var id = JobId.New();
        var lostJob = CreateTestProbe();
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));

        // Minutes of work, and a short batch behind it: neither is worth finishing once the job's actor is gone.
        _worker.Tell(new WorkAssignment(id, lostJob.Ref, Algorithm.Trial, [new BatchWork(0, new NumberRange(1, 20_000_000)), new BatchWork(1, new NumberRange(1, 10))]));
        await Task.Delay(200);
        Sys.Stop(lostJob.Ref);

        await _coordinator.FishForMessageAsync(m => m is RequestWork { InFlight: 0 }, TimeSpan.FromSeconds(5));
        await Task.Delay(500);
        var undelivered = new List<object>();
        while (deadLetters.HasMessages)
        {
            undelivered.Add(((DeadLetter)await deadLetters.ReceiveOneAsync(TimeSpan.Zero)).Message);
        }

        Assert.DoesNotContain(undelivered, m => m is BatchesCompleted);
    }

    [Fact]
    public async Task Draining_worker_should_finish_its_batch_hand_back_the_rest_and_take_nothing_more()
    {
        await _coordinator.ExpectMsgAsync<RequestWork>(Allowance);
        var id = JobId.New();
        _worker.Tell(new WorkAssignment(id, _job.Ref, Algorithm.Trial, [
            new BatchWork(0, new NumberRange(1, 150_000)),
            new BatchWork(1, new NumberRange(150_001, 160_000)),
            new BatchWork(2, new NumberRange(160_001, 170_000)),
        ]));
        await Task.Delay(20);

        _worker.Tell(WorkerActor.Drain.Instance);

        var returned = await _job.ExpectMsgAsync<BatchesReturned>();
        Assert.Equal([1L, 2L], returned.Indices);
        var completed = await _job.ExpectMsgAsync<BatchesCompleted>(TimeSpan.FromSeconds(10));
        Assert.Equal([0L], completed.Results.Select(r => r.Index));
        Assert.Equal(2, (await ExpectMsgAsync<WorkerActor.Drained>(TimeSpan.FromSeconds(10))).HandedBack);

        _worker.Tell(new WorkAssignment(id, _job.Ref, Algorithm.Trial, [new BatchWork(5, new NumberRange(1, 10))]));
        Assert.Equal([5L], (await _job.ExpectMsgAsync<BatchesReturned>()).Indices);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _scheduler.Dispose();
    }
}
