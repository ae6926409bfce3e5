using Akka.Actor;
using Akka.TestKit.Xunit2;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Actors.Serialization;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using static PrimeCluster.Actors.Messages.ClusterProtocol;
using static PrimeCluster.Actors.Messages.JobProtocol;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Actors.Tests;

public sealed class ProtocolSerializerSpecs() : TestKit(TestConfig.Node("seed"))
{
    private static readonly Tally Huge = new(ulong.MaxValue, UInt128.MaxValue);
    private static readonly JobSpec Spec = new(new NumberRange(3, ulong.MaxValue), Algorithm.Sieve, SplitStrategy.Starmap, 7);

    public static TheoryData<string> Messages => new(All(ActorRefs.Nobody).Select(m => m.GetType().Name).Distinct());

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_message_should_survive_a_round_trip_through_its_own_serializer(string name)
    {
        foreach (var message in All(TestActor).Where(m => m.GetType().Name == name))
        {
            var serializer = Sys.Serialization.FindSerializerFor(message);
            Assert.IsType<ProtocolSerializer>(serializer);

            var bytes = serializer.ToBinary(message);
            var back = Sys.Serialization.Deserialize(bytes, serializer.Identifier, ((ProtocolSerializer)serializer).Manifest(message));

            Assert.Equal(Describe(message), Describe(back));
        }
    }

    [Fact]
    public void Counts_beyond_64_bits_should_stay_exact_and_the_wire_form_compact()
    {
        var message = new BatchesCompleted(new JobId("abcdefghij"), [new BatchResult(long.MaxValue, Huge)], TestActor);
        var serializer = Sys.Serialization.FindSerializerFor(message);

        var back = (BatchesCompleted)Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, "BC");

        Assert.Equal(UInt128.MaxValue, back.Results.Single().Tally.CheckCount);
        Assert.Equal(ulong.MaxValue, back.Results.Single().Tally.PrimeCount);
        Assert.True(serializer.ToBinary(message).Length < 120, "a completion should cost about a hundred bytes");
    }

    [Fact]
    public void An_algorithm_no_build_writes_should_be_refused_at_the_wire()
    {
        // As a node that lies could send: a count of checks for an algorithm that does not exist.
        var message = new ChecksCounted(new JobId("abcdefghij"), Algorithm.Trial, 42);
        var serializer = Sys.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        bytes["abcdefghij".Length + 1] = 200;

        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => Sys.Serialization.Deserialize(bytes, serializer.Identifier, "CK"));
    }

    [Theory]
    [InlineData(10_000_000)]
    [InlineData(-1)]
    public void A_list_longer_than_its_message_should_be_refused_before_room_is_made_for_it(int count)
    {
        // As a node that lies could send: a completion of ten million results, or of -1, in a few bytes.
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write("abcdefghij");
            w.Write7BitEncodedInt(count);
            w.Write(0L);
        }

        var serializer = (ProtocolSerializer)Sys.Serialization.FindSerializerForType(typeof(BatchesCompleted));
        var allocated = GC.GetAllocatedBytesForCurrentThread();

        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(stream.ToArray(), "BC"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 1_000_000, "nothing near the claimed count should be allocated");
    }

    [Fact]
    public void A_checkpoint_of_a_seed_that_wrote_no_plan_workers_should_read_the_views_workers_as_the_plans()
    {
        // Such a seed wrote the same fields up to the done batches, and the workers the plan was cut for as the view's.
        var checkpoint = All(TestActor).OfType<JobCheckpoint>().First();
        var serializer = (ProtocolSerializer)Sys.Serialization.FindSerializerFor(checkpoint);
        var bytes = serializer.ToBinary(checkpoint);

        var earlier = (JobCheckpoint)serializer.FromBinary(bytes[..^sizeof(int)], "JC");

        Assert.Equal(checkpoint.View.Workers, earlier.PlanWorkers);
        Assert.Equal(Describe(checkpoint with { PlanWorkers = checkpoint.View.Workers }), Describe(earlier));
    }

    [Fact]
    public void A_work_request_of_a_worker_that_does_not_say_its_cores_should_read_as_not_said()
    {
        var serializer = (ProtocolSerializer)Sys.Serialization.FindSerializerForType(typeof(RequestWork));
        var bytes = serializer.ToBinary(new RequestWork(TestActor, 3, 1, Cores: 64));

        // As the version before sends it: without the last field, one byte for 64.
        var back = (RequestWork)serializer.FromBinary(bytes[..^1], "RW");

        Assert.Equal(new RequestWork(TestActor, 3, 1, Cores: 0), back);
    }

    /// <summary>Records compare lists by reference; their printed form compares them by content.</summary>
    private static string Describe(object message) => message switch
    {
        WorkAssignment a => $"{a with { Batches = [] }} {string.Join(",", a.Batches)}",
        BatchesReturned r => $"{r with { Indices = [] }} {string.Join(",", r.Indices)}",
        DropBatches d => $"{d with { Indices = [] }} {string.Join(",", d.Indices)}",
        BatchesCompleted c => $"{c with { Results = [] }} {string.Join(",", c.Results)}",
        JobList l => $"{l.More} {string.Join(",", l.Jobs)}",
        WorkerList w => $"{string.Join(",", w.Workers)} {string.Join(",", w.Mismatches)}",
        JobCheckpoint c => $"{c with { Done = [] }} {string.Join(",", c.Done)}",
        Activity a => string.Join(",", a.Nodes),
        ThroughputSample t => $"{t.At:O} {string.Join(",", t.Nodes)}",
        ThroughputHistory h => string.Join(";", h.Samples.Select(t => $"{t.At:O} {string.Join(",", t.Nodes)}")),
        BatchTimeline b => $"{b.Id} {b.Snapshot} {string.Join(",", b.Batches)}",
        _ => message.ToString()!,
    };

    private static IEnumerable<object> All(IActorRef actor)
    {
        var id = new JobId("k2m9x7pqrs");
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var view = new JobView(id, Spec, JobState.Running, 3, 9, Huge, UInt128.MaxValue - 1, true, 4, now, now.AddSeconds(1), null, TimeSpan.FromMilliseconds(1234.5), null);
        var failed = view with { State = JobState.Failed, FinishedAt = now.AddSeconds(2), Error = "batch 3 failed: ☠", Spec = Spec with { Batches = null } };
        var worker = new WorkerView(Address.Parse("akka.tcp://primecluster@10.0.0.7:4053"), "/user/worker-3", 2);
        return
        [
            new RequestWork(actor, 3, 1),
            new RequestWork(actor, 3, 1, Cores: 64),
            new RequestWork(actor, 0, 0, Cores: int.MaxValue),
            NoWorkNow.Instance,
            new WorkAssignment(id, actor, Algorithm.Trial, [new BatchWork(0, new NumberRange(0, 1)), new BatchWork(long.MaxValue, new NumberRange(ulong.MaxValue, ulong.MaxValue))]),
            new WorkAssignment(id, actor, Algorithm.Formula, [new BatchWork(0, new NumberRange(0, 10_000_000_000_000))]),
            new BatchesCompleted(id, [new BatchResult(42, Huge), new BatchResult(7, Tally.Zero)], actor, Slots: 3, InFlight: 5),
            new BatchFailed(id, 42, "out of memory", actor),
            new BatchesReturned(id, [1, 2, long.MaxValue], actor),
            new BatchesReturnAcknowledged(id),
            new CancelWork(id),
            new DropBatches(id, [3, 1L << 40]),
            new ChecksCounted(id, Algorithm.Sieve, UInt128.MaxValue),
            new ChecksCounted(id, Algorithm.Trial, 0),
            new SubmitJob(Spec),
            new SubmitJob(Spec, AcceptCost: true),
            new SubmitJob(Spec with { Batches = 0 }),
            new SubmitJob(new JobSpec(new NumberRange(0, 0))),
            new SubmitJob(new JobSpec(new NumberRange(0, 10_000_000_000_000), Algorithm.Formula, Batches: 8)),
            new JobAccepted(view),
            new JobRejected("batches must be from 1 to 100000000.", JobRejection.InvalidPlan),
            new JobRejected("this trial job performs about 279T checks", JobRejection.OverCostLimit),
            new GetJob(id),
            new AwaitJob(id),
            new SubscribeToJob(id, actor),
            new SubscribeToJob(id, actor, Batches: true),
            new EstimateJob(Spec),
            new JobEstimate(long.MaxValue, 64, 1.5e10, TimeSpan.FromHours(1)),
            new SubscribeToCluster(actor),
            StillSubscribed.Instance,
            new Activity([new NodeActivity(worker.Node, 4, 2, 1, 1), new NodeActivity(Address.Parse("akka.ssl.tcp://primecluster@host-2:4054"), 0, 0, 0, 0)]),
            new Activity([]),
            new ThroughputSample(now, [new NodeThroughput(worker.Node, 1.25e10)]),
            new ThroughputHistory([new ThroughputSample(now, []), new ThroughputSample(now.AddSeconds(1), [new NodeThroughput(worker.Node, 0.5)])]),
            new BatchTimeline(id, [new BatchRecord(long.MaxValue, new NumberRange(0, ulong.MaxValue), "/user/worker-0", worker.Node, now, null, BatchOutcome.Running), new BatchRecord(3, new NumberRange(5, 9), "/user/worker-1", worker.Node, now, now.AddSeconds(1), BatchOutcome.LateCopy)], Snapshot: true),
            new BatchTimeline(id, [], Snapshot: false),
            new CancelJob(id),
            new JobNotFound(id),
            new GetJobs(100),
            new GetJobs(GetJobs.MaxLimit, id),
            new JobList([view, failed], More: true),
            new JobList([], More: false),
            view,
            failed,
            GetWorkers.Instance,
            worker,
            worker with { Excluded = true },
            new WorkerList([worker, worker with { Batches = 0, Excluded = true }], [new NodeMismatches(worker.Node, 3), new NodeMismatches(Address.Parse("akka.tcp://primecluster@host-2:4054"), int.MaxValue)]),
            new WorkerList([], []),
            new JobCheckpoint(view, 8, TimeSpan.FromMilliseconds(250), ulong.MaxValue - 7, [new BatchSpan(0, 2), new BatchSpan(5, 5), new BatchSpan(7, long.MaxValue - 1)], PlanWorkers: 6),
            new JobCheckpoint(failed, 1, TimeSpan.FromTicks(1), 0, [], PlanWorkers: 0),
        ];
    }
}
