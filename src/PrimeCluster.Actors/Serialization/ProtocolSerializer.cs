using Akka.Actor;
using Akka.Serialization;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using static PrimeCluster.Actors.Messages.ClusterProtocol;
using static PrimeCluster.Actors.Messages.JobProtocol;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Actors.Serialization;

/// <summary>
/// A compact binary form for every <see cref="IClusterMessage"/>: a short manifest names the message, fields follow in
/// a fixed order, 128-bit counts as two 64-bit halves so they stay exact, actor references as their serialized paths.
/// </summary>
public sealed class ProtocolSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>The name it is registered by (Akka.Hosting's WithCustomSerializer).</summary>
    public const string Alias = "primecluster";

    public override int Identifier => 7919;

    public override string Manifest(object o) => o switch
    {
        RequestWork => "RW",
        WorkAssignment => "WA",
        BatchesCompleted => "BC",
        NoWorkNow => "NW",
        BatchFailed => "BF",
        BatchesReturned => "BR",
        BatchesReturnAcknowledged => "BA",
        CancelWork => "CW",
        DropBatches => "DB",
        ChecksCounted => "CK",
        SubmitJob => "SJ",
        JobAccepted => "JA",
        JobRejected => "JR",
        GetJob => "GJ",
        AwaitJob => "AJ",
        SubscribeToJob => "SB",
        CancelJob => "CJ",
        JobNotFound => "NF",
        GetJobs => "GL",
        JobList => "JL",
        JobView => "JV",
        GetWorkers => "GW",
        WorkerView => "WV",
        WorkerList => "WL",
        JobCheckpoint => "JC",
        EstimateJob => "EJ",
        JobEstimate => "JE",
        SubscribeToCluster => "SC",
        StillSubscribed => "SS",
        Activity => "AC",
        ThroughputSample => "TS",
        ThroughputHistory => "TH",
        BatchTimeline => "BT",
        _ => throw new ArgumentException($"{o.GetType()} has no manifest in {nameof(ProtocolSerializer)}", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            Write(w, obj);
        }

        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        return manifest switch
        {
            "RW" => new RequestWork(ReadRef(r), r.ReadInt32(), r.ReadInt32(), ReadCores(r)),
            "WA" => new WorkAssignment(ReadJobId(r), ReadRef(r), ReadEnum<Algorithm>(r), ReadList(r, () => new BatchWork(r.ReadInt64(), ReadRange(r)))),
            "BC" => new BatchesCompleted(ReadJobId(r), ReadList(r, () => new BatchResult(r.ReadInt64(), ReadTally(r))), ReadRef(r), r.ReadInt32(), r.ReadInt32()),
            "NW" => NoWorkNow.Instance,
            "BF" => new BatchFailed(ReadJobId(r), r.ReadInt64(), r.ReadString(), ReadRef(r)),
            "BR" => new BatchesReturned(ReadJobId(r), ReadList(r, r.ReadInt64), ReadRef(r)),
            "BA" => new BatchesReturnAcknowledged(ReadJobId(r)),
            "CW" => new CancelWork(ReadJobId(r)),
            "DB" => new DropBatches(ReadJobId(r), ReadList(r, r.ReadInt64)),
            "CK" => new ChecksCounted(ReadJobId(r), ReadEnum<Algorithm>(r), ReadUInt128(r)),
            "SJ" => new SubmitJob(ReadSpec(r), r.ReadBoolean()),
            "JA" => new JobAccepted(ReadView(r)),
            "JR" => new JobRejected(r.ReadString(), ReadEnum<JobRejection>(r)),
            "GJ" => new GetJob(ReadJobId(r)),
            "AJ" => new AwaitJob(ReadJobId(r)),
            "SB" => new SubscribeToJob(ReadJobId(r), ReadRef(r), r.BaseStream.Position < r.BaseStream.Length && r.ReadBoolean()),
            "CJ" => new CancelJob(ReadJobId(r)),
            "NF" => new JobNotFound(ReadJobId(r)),
            "GL" => new GetJobs(r.ReadInt32(), r.ReadBoolean() ? ReadJobId(r) : null),
            "JL" => new JobList(ReadList(r, () => ReadView(r)), r.ReadBoolean()),
            "JV" => ReadView(r),
            "GW" => GetWorkers.Instance,
            "WV" => ReadWorker(r),
            "WL" => new WorkerList(ReadList(r, () => ReadWorker(r)), ReadList(r, () => new NodeMismatches(Address.Parse(r.ReadString()), r.ReadInt32()))),
            "JC" => ReadCheckpoint(r),
            "EJ" => new EstimateJob(ReadSpec(r)),
            "JE" => new JobEstimate(r.ReadInt64(), r.ReadInt32(), r.ReadDouble(), TimeSpan.FromTicks(r.ReadInt64())),
            "SC" => new SubscribeToCluster(ReadRef(r)),
            "SS" => StillSubscribed.Instance,
            "AC" => new Activity(ReadList(r, () => new NodeActivity(ReadAddress(r), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32()))),
            "TS" => ReadSample(r),
            "TH" => new ThroughputHistory(ReadList(r, () => ReadSample(r))),
            "BT" => new BatchTimeline(ReadJobId(r), ReadList(r, () => ReadBatchRecord(r)), r.ReadBoolean()),
            _ => throw new System.Runtime.Serialization.SerializationException($"Unknown manifest '{manifest}' for {nameof(ProtocolSerializer)}"),
        };
    }

    private void Write(BinaryWriter w, object message)
    {
        switch (message)
        {
            case RequestWork m:
                WriteRef(w, m.Worker);
                w.Write(m.Slots);
                w.Write(m.InFlight);
                w.Write7BitEncodedInt(m.Cores);
                break;
            case WorkAssignment m:
                w.Write(m.JobId.Value);
                WriteRef(w, m.Job);
                w.Write((byte)m.Algorithm);
                WriteList(w, m.Batches, b =>
                {
                    w.Write(b.Index);
                    WriteRange(w, b.Range);
                });
                break;
            case BatchesCompleted m:
                w.Write(m.JobId.Value);
                WriteList(w, m.Results, result =>
                {
                    w.Write(result.Index);
                    WriteTally(w, result.Tally);
                });
                WriteRef(w, m.Worker);
                w.Write(m.Slots);
                w.Write(m.InFlight);
                break;
            case NoWorkNow or GetWorkers:
                break;
            case GetJobs m:
                w.Write(m.Limit);
                w.Write(m.Before.HasValue);
                if (m.Before is { } before)
                {
                    w.Write(before.Value);
                }

                break;
            case BatchFailed m:
                w.Write(m.JobId.Value);
                w.Write(m.Index);
                w.Write(m.Error);
                WriteRef(w, m.Worker);
                break;
            case BatchesReturned m:
                w.Write(m.JobId.Value);
                WriteList(w, m.Indices, w.Write);
                WriteRef(w, m.Worker);
                break;
            case BatchesReturnAcknowledged m:
                w.Write(m.JobId.Value);
                break;
            case CancelWork m:
                w.Write(m.JobId.Value);
                break;
            case DropBatches m:
                w.Write(m.JobId.Value);
                WriteList(w, m.Indices, w.Write);
                break;
            case ChecksCounted m:
                w.Write(m.JobId.Value);
                w.Write((byte)m.Algorithm);
                WriteUInt128(w, m.Checks);
                break;
            case SubmitJob m:
                WriteSpec(w, m.Spec);
                w.Write(m.AcceptCost);
                break;
            case JobAccepted m:
                WriteView(w, m.View);
                break;
            case JobRejected m:
                w.Write(m.Reason);
                w.Write((byte)m.Why);
                break;
            case GetJob m:
                w.Write(m.Id.Value);
                break;
            case AwaitJob m:
                w.Write(m.Id.Value);
                break;
            case SubscribeToJob m:
                w.Write(m.Id.Value);
                WriteRef(w, m.Subscriber);
                w.Write(m.Batches);
                break;
            case EstimateJob m:
                WriteSpec(w, m.Spec);
                break;
            case JobEstimate m:
                w.Write(m.Batches);
                w.Write(m.Cores);
                w.Write(m.TrialChecksPerSecond);
                w.Write(m.CostLimit.Ticks);
                break;
            case SubscribeToCluster m:
                WriteRef(w, m.Subscriber);
                break;
            case StillSubscribed:
                break;
            case Activity m:
                WriteList(w, m.Nodes, n =>
                {
                    w.Write(n.Node.ToString());
                    w.Write(n.Workers);
                    w.Write(n.Busy);
                    w.Write(n.Mismatches);
                    w.Write(n.Excluded);
                });
                break;
            case ThroughputSample m:
                WriteSample(w, m);
                break;
            case ThroughputHistory m:
                WriteList(w, m.Samples, s => WriteSample(w, s));
                break;
            case BatchTimeline m:
                w.Write(m.Id.Value);
                WriteList(w, m.Batches, b =>
                {
                    w.Write(b.Index);
                    WriteRange(w, b.Range);
                    w.Write(b.Worker);
                    w.Write(b.Node.ToString());
                    w.Write(b.HandedOutAt.UtcTicks);
                    WriteOptionalTime(w, b.FinishedAt);
                    w.Write((byte)b.Outcome);
                });
                w.Write(m.Snapshot);
                break;
            case CancelJob m:
                w.Write(m.Id.Value);
                break;
            case JobNotFound m:
                w.Write(m.Id.Value);
                break;
            case JobList m:
                WriteList(w, m.Jobs, v => WriteView(w, v));
                w.Write(m.More);
                break;
            case JobView m:
                WriteView(w, m);
                break;
            case WorkerView m:
                WriteWorker(w, m);
                break;
            case WorkerList m:
                WriteList(w, m.Workers, v => WriteWorker(w, v));
                WriteList(w, m.Mismatches, n =>
                {
                    w.Write(n.Node.ToString());
                    w.Write(n.Count);
                });
                break;
            case JobCheckpoint m:
                WriteView(w, m.View);
                w.Write(m.BatchesPerWorker);
                w.Write(m.MaxBatchDuration.Ticks);
                w.Write(m.PlanFingerprint);
                WriteList(w, m.Done, span =>
                {
                    w.Write(span.First);
                    w.Write(span.Last);
                });
                w.Write(m.PlanWorkers);
                break;
            default:
                throw new ArgumentException($"{message.GetType()} cannot be serialized by {nameof(ProtocolSerializer)}", nameof(message));
        }
    }

    private static void WriteList<T>(BinaryWriter w, IReadOnlyList<T> items, Action<T> write)
    {
        w.Write7BitEncodedInt(items.Count);
        foreach (var item in items)
        {
            write(item);
        }
    }

    private static List<T> ReadList<T>(BinaryReader r, Func<T> read)
    {
        var count = r.Read7BitEncodedInt();

        // Every item takes a byte at least: a count the message cannot hold is refused before room is made for it.
        var left = r.BaseStream.Length - r.BaseStream.Position;
        if (count < 0 || count > left)
        {
            throw new System.Runtime.Serialization.SerializationException($"a list of {count} items cannot fit in the {left} bytes left of the message");
        }

        var items = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add(read());
        }

        return items;
    }

    private void WriteRef(BinaryWriter w, IActorRef actor) => w.Write(Akka.Serialization.Serialization.SerializedActorPath(actor));

    private IActorRef ReadRef(BinaryReader r) => system.Provider.ResolveActorRef(r.ReadString());

    private static JobId ReadJobId(BinaryReader r) => new(r.ReadString());

    /// <summary>A worker of the version before says nothing of its cores: read as not said.</summary>
    private static int ReadCores(BinaryReader r) => r.BaseStream.Position < r.BaseStream.Length ? r.Read7BitEncodedInt() : 0;

    private static void WriteUInt128(BinaryWriter w, UInt128 value)
    {
        w.Write((ulong)(value >> 64));
        w.Write((ulong)value);
    }

    private static UInt128 ReadUInt128(BinaryReader r) => new(r.ReadUInt64(), r.ReadUInt64());

    private static void WriteTally(BinaryWriter w, Tally tally)
    {
        w.Write(tally.PrimeCount);
        WriteUInt128(w, tally.CheckCount);
    }

    private static Tally ReadTally(BinaryReader r) => new(r.ReadUInt64(), ReadUInt128(r));

    private static void WriteRange(BinaryWriter w, NumberRange range)
    {
        w.Write(range.From);
        w.Write(range.Til);
    }

    private static NumberRange ReadRange(BinaryReader r) => new(r.ReadUInt64(), r.ReadUInt64());

    private static void WriteSpec(BinaryWriter w, JobSpec spec)
    {
        WriteRange(w, spec.Range);
        w.Write((byte)spec.Algorithm);
        w.Write((byte)spec.Split);
        w.Write(spec.Batches.HasValue);
        w.Write(spec.Batches.GetValueOrDefault());
    }

    private static JobSpec ReadSpec(BinaryReader r)
    {
        var range = ReadRange(r);
        var algorithm = ReadEnum<Algorithm>(r);
        var split = ReadEnum<SplitStrategy>(r);
        var hasBatches = r.ReadBoolean();
        var batches = r.ReadInt64();
        return new JobSpec(range, algorithm, split, hasBatches ? batches : null);
    }

    private static void WriteView(BinaryWriter w, JobView v)
    {
        w.Write(v.Id.Value);
        WriteSpec(w, v.Spec);
        w.Write((byte)v.State);
        w.Write(v.BatchesDone);
        w.Write(v.BatchCount);
        WriteTally(w, v.SoFar);
        WriteUInt128(w, v.EstimatedChecks);
        w.Write(v.EstimateIsExact);
        w.Write(v.Workers);
        w.Write(v.SubmittedAt.UtcTicks);
        WriteOptionalTime(w, v.StartedAt);
        WriteOptionalTime(w, v.FinishedAt);
        w.Write(v.Elapsed.Ticks);
        w.Write(v.Error is not null);
        if (v.Error is not null)
        {
            w.Write(v.Error);
        }
    }

    private static JobView ReadView(BinaryReader r) => new(
        ReadJobId(r),
        ReadSpec(r),
        ReadEnum<JobState>(r),
        r.ReadInt64(),
        r.ReadInt64(),
        ReadTally(r),
        ReadUInt128(r),
        r.ReadBoolean(),
        r.ReadInt32(),
        new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero),
        ReadOptionalTime(r),
        ReadOptionalTime(r),
        TimeSpan.FromTicks(r.ReadInt64()),
        r.ReadBoolean() ? r.ReadString() : null);

    private static JobCheckpoint ReadCheckpoint(BinaryReader r)
    {
        var view = ReadView(r);
        var batchesPerWorker = r.ReadInt32();
        var maxBatchDuration = TimeSpan.FromTicks(r.ReadInt64());
        var fingerprint = r.ReadUInt64();
        var done = ReadList(r, () => new BatchSpan(r.ReadInt64(), r.ReadInt64()));

        // A seed of an earlier version writes no plan workers: its view's workers are the ones the plan was cut for.
        var planWorkers = r.BaseStream.Position < r.BaseStream.Length ? r.ReadInt32() : view.Workers;
        return new JobCheckpoint(view, batchesPerWorker, maxBatchDuration, fingerprint, done, planWorkers);
    }

    private static void WriteOptionalTime(BinaryWriter w, DateTimeOffset? time)
    {
        w.Write(time.HasValue);
        if (time.HasValue)
        {
            w.Write(time.Value.UtcTicks);
        }
    }

    private static DateTimeOffset? ReadOptionalTime(BinaryReader r) => r.ReadBoolean() ? new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero) : null;

    /// <summary>
    /// A named value of <typeparamref name="T"/>, or the message is refused here: a byte no build writes would otherwise
    /// fail whatever actor first names it.
    /// </summary>
    private static T ReadEnum<T>(BinaryReader r)
        where T : struct, Enum
    {
        var value = (T)Enum.ToObject(typeof(T), r.ReadByte());
        return Enum.IsDefined(value) ? value : throw new System.Runtime.Serialization.SerializationException($"{value} is not a {typeof(T).Name}");
    }

    private static Address ReadAddress(BinaryReader r) => Address.Parse(r.ReadString());

    private static void WriteSample(BinaryWriter w, ThroughputSample sample)
    {
        w.Write(sample.At.UtcTicks);
        WriteList(w, sample.Nodes, n =>
        {
            w.Write(n.Node.ToString());
            w.Write(n.ChecksPerSecond);
        });
    }

    private static ThroughputSample ReadSample(BinaryReader r) =>
        new(new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero), ReadList(r, () => new NodeThroughput(ReadAddress(r), r.ReadDouble())));

    private static BatchRecord ReadBatchRecord(BinaryReader r) => new(
        r.ReadInt64(),
        ReadRange(r),
        r.ReadString(),
        ReadAddress(r),
        new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero),
        ReadOptionalTime(r),
        ReadEnum<BatchOutcome>(r));

    private static void WriteWorker(BinaryWriter w, WorkerView v)
    {
        w.Write(v.Node.ToString());
        w.Write(v.Path);
        w.Write(v.Batches);
        w.Write(v.Excluded);
    }

    private static WorkerView ReadWorker(BinaryReader r) => new(Address.Parse(r.ReadString()), r.ReadString(), r.ReadInt32(), r.ReadBoolean());
}
