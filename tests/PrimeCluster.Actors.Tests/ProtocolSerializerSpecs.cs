using Akka.Actor;
using System.Globalization;
using System.Runtime.Serialization;
using Akka.TestKit.Xunit2;
using Google.Protobuf;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Actors.Serialization;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using Proto = PrimeCluster.Actors.Serialization.Proto;
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
        var bytes = new Proto.ChecksCounted { JobId = "abcdefghij", Algorithm = (Proto.Algorithm)200, ChecksLow = 42 }.ToByteArray();

        Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes, "CK"));
    }

    [Fact]
    public void An_enum_number_beyond_its_byte_should_be_refused_rather_than_wrapped()
    {
        // 256 would wrap onto InvalidPlan, 0, in a byte.
        var bytes = new Proto.JobRejected { Reason = "no", Why = (Proto.JobRejection)256 }.ToByteArray();

        Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes, "JR"));
    }

    [Theory]
    [InlineData(10_000_000)]
    [InlineData(-1)]
    public void A_list_longer_than_its_message_should_be_refused_before_room_is_made_for_it(int count)
    {
        // As a node that lies could send: a completion whose results claim ten million bytes, or -1, in a few bytes.
        var bytes = Written(o =>
        {
            o.WriteTag(Proto.BatchesCompleted.JobIdFieldNumber, WireFormat.WireType.LengthDelimited);
            o.WriteString("abcdefghij");
            o.WriteTag(Proto.BatchesCompleted.ResultsFieldNumber, WireFormat.WireType.LengthDelimited);
            o.WriteInt32(count);
            o.WriteFixed64(0);
        });
        var allocated = GC.GetAllocatedBytesForCurrentThread();

        Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes, "BC"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 1_000_000, "nothing near the claimed count should be allocated");
    }

    public static TheoryData<string, byte[], string> BeyondWhatAnyBuildSends()
    {
        var worker = Akka.Serialization.Serialization.SerializedActorPath(ActorRefs.Nobody);
        var results = new Proto.BatchesCompleted { JobId = "abcdefghij", Worker = worker };
        results.Results.AddRange(Enumerable.Range(0, MaxBatchesPerMessage + 1).Select(i => new Proto.BatchResult { Index = i }));
        var returned = new Proto.BatchesReturned { JobId = "abcdefghij", Worker = worker };
        returned.Indices.AddRange(Enumerable.Range(0, MaxBatchesPerMessage + 1).Select(i => (long)i));
        var samples = new Proto.ThroughputHistory();
        samples.Samples.AddRange(Enumerable.Range(0, 1001).Select(i => new Proto.ThroughputSample { At = i }));
        var timeline = new Proto.BatchTimeline { Id = "abcdefghij" };
        timeline.Batches.AddRange(Enumerable.Range(0, BatchTimeline.MaxBatches + 1).Select(i => new Proto.BatchRecord { Index = i, Range = new Proto.NumberRange { From = 1, Til = 2 } }));
        var done = new Proto.JobCheckpoint { View = new Proto.JobView { Id = "abcdefghij", Spec = new Proto.JobSpec { Range = new Proto.NumberRange { From = 1, Til = 2 } }, BatchCount = 4 } };
        done.Done.AddRange(Enumerable.Range(0, 3).Select(i => new Proto.BatchSpan { First = i * 2, Last = i * 2 }));
        return new()
        {
            { "BC", results.ToByteArray(), "1025 results" },
            { "BC", new Proto.BatchesCompleted { JobId = "abcdefghij", Worker = worker, Results = { new Proto.BatchResult { Index = -1 } } }.ToByteArray(), "index of -1" },
            { "BC", new Proto.BatchesCompleted { JobId = "abcdefghij", Worker = worker, Slots = int.MaxValue }.ToByteArray(), "slots of 2147483647" },
            { "RW", new Proto.RequestWork { Worker = worker, Slots = 2, InFlight = -5 }.ToByteArray(), "in flight of -5" },
            { "BF", new Proto.BatchFailed { JobId = "abcdefghij", Worker = worker, Error = new string('x', BatchFailed.MaxErrorLength + 1) }.ToByteArray(), "1001 characters" },
            { "BR", returned.ToByteArray(), "1025 batches" },
            { "DB", new Proto.DropBatches { JobId = "abcdefghij", Indices = { long.MinValue } }.ToByteArray(), "index of" },
            { "TH", samples.ToByteArray(), "1001 samples" },
            { "BT", timeline.ToByteArray(), "5001 batch records" },
            { "JC", done.ToByteArray(), "3 spans of done batches" },
        };
    }

    [Theory]
    [MemberData(nameof(BeyondWhatAnyBuildSends))]
    public void A_message_beyond_what_any_build_sends_should_be_refused_at_the_wire(string manifest, byte[] bytes, string why)
    {
        var refused = Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes, manifest));

        Assert.Contains(why, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_at_its_bounds_should_be_read()
    {
        var completed = new BatchesCompleted(new JobId("abcdefghij"), [.. Enumerable.Range(0, MaxBatchesPerMessage).Select(i => new BatchResult(i, Huge))], TestActor, MaxBatchesPerMessage, MaxBatchesPerMessage);
        var failed = new BatchFailed(new JobId("abcdefghij"), long.MaxValue, new string('x', BatchFailed.MaxErrorLength), TestActor);

        Assert.Equal(Describe(completed), Describe(Serializer.FromBinary(Serializer.ToBinary(completed), "BC")));
        Assert.Equal(Describe(failed), Describe(Serializer.FromBinary(Serializer.ToBinary(failed), "BF")));
    }

    [Fact]
    public void A_checkpoint_without_plan_workers_should_read_the_views_workers_as_the_plans()
    {
        var checkpoint = All(TestActor).OfType<JobCheckpoint>().First();
        var proto = Proto.JobCheckpoint.Parser.ParseFrom(Serializer.ToBinary(checkpoint));
        proto.ClearPlanWorkers();

        var earlier = (JobCheckpoint)Serializer.FromBinary(proto.ToByteArray(), "JC");

        Assert.Equal(checkpoint.View.Workers, earlier.PlanWorkers);
        Assert.Equal(Describe(checkpoint with { PlanWorkers = checkpoint.View.Workers }), Describe(earlier));
    }

    [Fact]
    public void A_work_request_of_a_worker_that_does_not_say_its_cores_should_read_as_not_said()
    {
        var proto = Proto.RequestWork.Parser.ParseFrom(Serializer.ToBinary(new RequestWork(TestActor, 3, 1, Cores: 64)));
        proto.Cores = 0;

        var back = (RequestWork)Serializer.FromBinary(proto.ToByteArray(), "RW");

        Assert.Equal(new RequestWork(TestActor, 3, 1, Cores: 0), back);
    }

    [Fact]
    public void Fields_a_newer_build_adds_should_be_skipped()
    {
        var message = new BatchesCompleted(new JobId("abcdefghij"), [new BatchResult(7, Huge)], TestActor, Slots: 2, InFlight: 1);

        // A newer build's fields, numbered after every field this one knows, at the top and inside a result.
        var result = Written(o =>
        {
            o.WriteRawMessage(new Proto.BatchResult { Index = 7, PrimeCount = ulong.MaxValue, CheckCountLow = ulong.MaxValue, CheckCountHigh = ulong.MaxValue });
            o.WriteTag(15, WireFormat.WireType.Fixed64);
            o.WriteDouble(0.25);
        });
        var bytes = Written(o =>
        {
            o.WriteTag(99, WireFormat.WireType.LengthDelimited);
            o.WriteString("a field of a newer build");
            o.WriteRawMessage(Proto.BatchesCompleted.Parser.ParseFrom(Serializer.ToBinary(message with { Results = [] })));
            o.WriteTag(Proto.BatchesCompleted.ResultsFieldNumber, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(ByteString.CopyFrom(result));
            o.WriteTag(100, WireFormat.WireType.Varint);
            o.WriteUInt64(123456789);
        });

        var back = (BatchesCompleted)Serializer.FromBinary(bytes, "BC");

        Assert.Equal(Describe(message), Describe(back));
    }

    [Fact]
    public void A_field_left_out_should_read_as_the_default_its_schema_states()
    {
        // Each message with only its required parts written: the rest reads as the schema's comments say.
        var worker = Akka.Serialization.Serialization.SerializedActorPath(TestActor);
        var node = Address.Parse("akka.tcp://primecluster@10.0.0.7:4053");
        (string Manifest, IMessage Written, object Expected)[] cases =
        [
            ("BC", new Proto.BatchesCompleted { JobId = "abcdefghij", Worker = worker }, new BatchesCompleted(new JobId("abcdefghij"), [], TestActor, Slots: 0, InFlight: 0)),
            ("SB", new Proto.SubscribeToJob { Id = "abcdefghij", Subscriber = worker }, new SubscribeToJob(new JobId("abcdefghij"), TestActor, Batches: false)),
            ("GL", new Proto.GetJobs(), new GetJobs(0, Before: null)),
            ("SJ", new Proto.SubmitJob { Spec = new Proto.JobSpec { Range = new Proto.NumberRange() } }, new SubmitJob(new JobSpec(new NumberRange(0, 0), Algorithm.Trial, SplitStrategy.Balanced, Batches: null), AcceptCost: false)),
            ("WV", new Proto.WorkerView { Node = node.ToString() }, new WorkerView(node, "", 0, Excluded: false)),
            ("BT", new Proto.BatchTimeline(), new BatchTimeline(new JobId(""), [], Snapshot: false)),
            ("JE", new Proto.JobEstimate(), new JobEstimate(0, 0, 0, CostLimit: TimeSpan.Zero)),
        ];

        foreach (var (manifest, written, expected) in cases)
        {
            Assert.Equal(Describe(expected), Describe(Serializer.FromBinary(written.ToByteArray(), manifest)));
        }
    }

    [Fact]
    public void A_view_left_without_its_tally_or_times_should_read_as_nothing_counted_and_not_started()
    {
        var proto = new Proto.JobView { Id = "abcdefghij", Spec = new Proto.JobSpec { Range = new Proto.NumberRange { From = 1, Til = 9 } }, SubmittedAt = 1 };

        var view = (JobView)Serializer.FromBinary(proto.ToByteArray(), "JV");

        Assert.Equal(new JobView(new JobId("abcdefghij"), new JobSpec(new NumberRange(1, 9)), JobState.Queued, 0, 0, Tally.Zero, 0, false, 0, new DateTimeOffset(1, TimeSpan.Zero), null, null, TimeSpan.Zero, null), view);
    }

    [Fact]
    public void A_checkpoint_written_by_the_schema_should_read_back_as_the_job_it_holds()
    {
        // As a store holds it, written field by field from the schema alone.
        var submitted = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var stored = new Proto.JobCheckpoint
        {
            View = new Proto.JobView
            {
                Id = "k2m9x7pqrs",
                Spec = new Proto.JobSpec { Range = new Proto.NumberRange { From = 1, Til = 300_000 }, Split = Proto.SplitStrategy.Balanced },
                State = Proto.JobState.Running,
                BatchesDone = 3,
                BatchCount = 16,
                SoFar = new Proto.Tally { PrimeCount = 1229, CheckCountLow = 1, CheckCountHigh = 2 },
                EstimatedChecksLow = 3_712_902_177,
                Workers = 2,
                SubmittedAt = submitted.UtcTicks,
                StartedAt = submitted.AddSeconds(1).UtcTicks,
                Elapsed = TimeSpan.FromSeconds(2).Ticks,
            },
            BatchesPerWorker = 8,
            MaxBatchDuration = TimeSpan.FromMilliseconds(250).Ticks,
            PlanFingerprint = 0xfeedfacecafebeef,
            Done = { new Proto.BatchSpan { First = 0, Last = 1 }, new Proto.BatchSpan { First = 4, Last = 4 } },
            PlanWorkers = 2,
        };

        var back = (JobCheckpoint)Serializer.FromBinary(stored.ToByteArray(), "JC");

        var view = new JobView(
            new JobId("k2m9x7pqrs"),
            new JobSpec(new NumberRange(1, 300_000)),
            JobState.Running,
            3,
            16,
            new Tally(1229, new UInt128(2, 1)),
            3_712_902_177,
            false,
            2,
            submitted,
            submitted.AddSeconds(1),
            null,
            TimeSpan.FromSeconds(2),
            null);
        Assert.Equal(Describe(new JobCheckpoint(view, 8, TimeSpan.FromMilliseconds(250), 0xfeedfacecafebeef, [new BatchSpan(0, 1), new BatchSpan(4, 4)], 2)), Describe(back));
    }

    [Fact]
    public void A_part_every_build_writes_should_be_refused_when_missing()
    {
        var bytes = new Proto.WorkAssignment
        {
            JobId = "abcdefghij",
            Job = Akka.Serialization.Serialization.SerializedActorPath(TestActor),
            Batches = { new Proto.BatchWork { Index = 3 } },
        }.ToByteArray();

        Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes, "WA"));
    }

    [Fact]
    public void A_range_whose_start_exceeds_its_end_should_be_refused_at_the_wire()
    {
        var bytes = new Proto.EstimateJob { Spec = new Proto.JobSpec { Range = new Proto.NumberRange { From = 9, Til = 1 } } }.ToByteArray();

        Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes, "EJ"));
    }

    [Fact]
    public void Bytes_that_are_no_message_should_be_refused()
    {
        Assert.Throws<SerializationException>(() => Serializer.FromBinary([0x0A, 0x61, 0x62], "BC"));
        Assert.Throws<SerializationException>(() => Serializer.FromBinary([], "XX"));
    }

    [Theory]
    [InlineData(typeof(Algorithm), typeof(Proto.Algorithm))]
    [InlineData(typeof(SplitStrategy), typeof(Proto.SplitStrategy))]
    [InlineData(typeof(JobState), typeof(Proto.JobState))]
    [InlineData(typeof(JobRejection), typeof(Proto.JobRejection))]
    [InlineData(typeof(BatchOutcome), typeof(Proto.BatchOutcome))]
    public void Every_enum_value_should_have_its_number_and_name_in_the_schema(Type ours, Type schemas)
    {
        var expected = Enum.GetValues(ours).Cast<object>().Select(v => $"{Convert.ToInt32(v, CultureInfo.InvariantCulture)} {v}");
        var actual = Enum.GetValues(schemas).Cast<object>().Select(v => $"{Convert.ToInt32(v, CultureInfo.InvariantCulture)} {v}");

        Assert.Equal(expected, actual);
    }

    private ProtocolSerializer Serializer => (ProtocolSerializer)Sys.Serialization.FindSerializerForType(typeof(IClusterMessage));

    private static byte[] Written(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream))
        {
            write(output);
        }

        return stream.ToArray();
    }

    /// <summary>Records compare lists by reference; their printed form compares them by content.</summary>
    private static string Describe(object message) => message switch
    {
        WorkAssignment a => $"{a with { Batches = [] }} {string.Join(",", a.Batches)}",
        BatchesReturned r => $"{r with { Indices = [] }} {string.Join(",", r.Indices)}",
        DropBatches d => $"{d with { Indices = [] }} {string.Join(",", d.Indices)}",
        BatchesCompleted c => $"{c with { Results = [] }} {string.Join(",", c.Results)}",
        JobList l => $"{l.More} {string.Join(",", l.Jobs)}",
        WorkerList w => $"{string.Join(",", w.Workers)} {string.Join(",", w.Mismatches)} {(w.Throughput is { } t ? Describe(t) : "none")}",
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
            new ThroughputSample(now, [new NodeThroughput(worker.Node, 1.25e10)], [new AlgorithmThroughput(worker.Node, Algorithm.Trial, 1.0e10), new AlgorithmThroughput(worker.Node, Algorithm.Formula, 3.3e12)]),
            new ThroughputHistory([new ThroughputSample(now, [], []), new ThroughputSample(now.AddSeconds(1), [new NodeThroughput(worker.Node, 0.5)], [new AlgorithmThroughput(worker.Node, Algorithm.Sieve, 0.25)])]),
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
            GetApiUrl.Instance,
            new ApiUrl("http://127.0.0.1:8080/"),
            worker,
            worker with { Excluded = true },
            new WorkerList([worker, worker with { Batches = 0, Excluded = true }], [new NodeMismatches(worker.Node, 3), new NodeMismatches(Address.Parse("akka.tcp://primecluster@host-2:4054"), int.MaxValue)]),
            new WorkerList([], []),
            new WorkerList([worker], [], new ThroughputSample(now, [new NodeThroughput(worker.Node, 1.25e10)], [new AlgorithmThroughput(worker.Node, Algorithm.Trial, 1.25e10)])),
            new JobCheckpoint(view, 8, TimeSpan.FromMilliseconds(250), ulong.MaxValue - 7, [new BatchSpan(0, 2), new BatchSpan(5, 5), new BatchSpan(7, long.MaxValue - 1)], PlanWorkers: 6),
            new JobCheckpoint(failed, 1, TimeSpan.FromTicks(1), 0, [], PlanWorkers: 0),
        ];
    }
}
