using System.Collections.Frozen;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Google.Protobuf;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using static PrimeCluster.Actors.Messages.ClusterProtocol;
using static PrimeCluster.Actors.Messages.JobProtocol;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;
using static PrimeCluster.Actors.Messages.WorkProtocol;
using static PrimeCluster.Actors.Serialization.ProtoForms;
using static PrimeCluster.Actors.Serialization.WireLimits;

namespace PrimeCluster.Actors.Serialization;

/// <summary>
/// Every <see cref="IClusterMessage"/> as a protobuf message of its own (Serialization/protocol.proto), named by a short
/// manifest. Fields are numbered, so a build reads what a newer one writes: it skips fields it does not know and reads
/// those missing as their stated defaults. The same form is the job checkpoints' stored form.
/// </summary>
public sealed class ProtocolSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>The name it is registered by (Akka.Hosting's WithCustomSerializer).</summary>
    public const string Alias = "primecluster";

    /// <summary>
    /// 7927, the prime after 7919, which named the positional format before: a node of that format receiving this one
    /// refuses it as an unknown serializer rather than misread it.
    /// </summary>
    public const int FormatIdentifier = 7927;

    /// <summary>Each message once: its manifest, its schema's message, and the way there and back.</summary>
    private static readonly Format[] Formats =
    [
        Format.Of<RequestWork, Proto.RequestWork>(
            "RW",
            (s, m) => new() { Worker = s.PathOf(m.Worker), Slots = m.Slots, InFlight = m.InFlight, Cores = m.Cores },
            (s, p) => new(s.RefAt(p.Worker), Slots(p.Slots, "slots"), Slots(p.InFlight, "batches in flight"), p.Cores)),
        Format.Of<NoWorkNow, Proto.NoWorkNow>("NW", (_, _) => new(), (_, _) => NoWorkNow.Instance),
        Format.Of<WorkAssignment, Proto.WorkAssignment>(
            "WA",
            (s, m) => new() { JobId = m.JobId.Value, Job = s.PathOf(m.Job), Algorithm = (Proto.Algorithm)m.Algorithm, Batches = { m.Batches.Select(b => new Proto.BatchWork { Index = b.Index, Range = ToProto(b.Range) }) } },
            (s, p) => new(new JobId(p.JobId), s.RefAt(p.Job), Defined<Algorithm>(p.Algorithm), [.. AtMost(p.Batches, WireLimits.Batches, "batches").Select(b => new BatchWork(Index(b.Index), FromProto(Required(b.Range))))])),
        Format.Of<BatchesCompleted, Proto.BatchesCompleted>(
            "BC",
            (s, m) => new() { JobId = m.JobId.Value, Results = { m.Results.Select(ToProto) }, Worker = s.PathOf(m.Worker), Slots = m.Slots, InFlight = m.InFlight },
            (s, p) => new(new JobId(p.JobId), [.. AtMost(p.Results, WireLimits.Batches, "results").Select(FromProto)], s.RefAt(p.Worker), Slots(p.Slots, "slots"), Slots(p.InFlight, "batches in flight"))),
        Format.Of<BatchFailed, Proto.BatchFailed>(
            "BF",
            (s, m) => new() { JobId = m.JobId.Value, Index = m.Index, Error = m.Error, Worker = s.PathOf(m.Worker) },
            (s, p) => new(new JobId(p.JobId), Index(p.Index), AtMost(p.Error, BatchFailed.MaxErrorLength, "an error"), s.RefAt(p.Worker))),
        Format.Of<BatchesReturned, Proto.BatchesReturned>(
            "BR",
            (s, m) => new() { JobId = m.JobId.Value, Indices = { m.Indices }, Worker = s.PathOf(m.Worker) },
            (s, p) => new(new JobId(p.JobId), [.. AtMost(p.Indices, WireLimits.Batches, "batches").Select(Index)], s.RefAt(p.Worker))),
        Format.Of<BatchesReturnAcknowledged, Proto.BatchesReturnAcknowledged>("BA", (_, m) => new() { JobId = m.JobId.Value }, (_, p) => new(new JobId(p.JobId))),
        Format.Of<CancelWork, Proto.CancelWork>("CW", (_, m) => new() { JobId = m.JobId.Value }, (_, p) => new(new JobId(p.JobId))),
        Format.Of<DropBatches, Proto.DropBatches>(
            "DB",
            (_, m) => new() { JobId = m.JobId.Value, Indices = { m.Indices } },
            (_, p) => new(new JobId(p.JobId), [.. AtMost(p.Indices, WireLimits.Batches, "batches").Select(Index)])),
        Format.Of<ChecksCounted, Proto.ChecksCounted>(
            "CK",
            (_, m) => new() { JobId = m.JobId.Value, Algorithm = (Proto.Algorithm)m.Algorithm, ChecksLow = Low(m.Checks), ChecksHigh = High(m.Checks) },
            (_, p) => new(new JobId(p.JobId), Defined<Algorithm>(p.Algorithm), new UInt128(p.ChecksHigh, p.ChecksLow))),
        Format.Of<SubmitJob, Proto.SubmitJob>(
            "SJ",
            (_, m) => new() { Spec = ToProto(m.Spec), AcceptCost = m.AcceptCost },
            (_, p) => new(FromProto(Required(p.Spec)), p.AcceptCost)),
        Format.Of<JobAccepted, Proto.JobAccepted>("JA", (_, m) => new() { View = ToProto(m.View) }, (_, p) => new(FromProto(Required(p.View)))),
        Format.Of<JobRejected, Proto.JobRejected>(
            "JR",
            (_, m) => new() { Reason = m.Reason, Why = (Proto.JobRejection)m.Why },
            (_, p) => new(p.Reason, Defined<JobRejection>(p.Why))),
        Format.Of<GetJob, Proto.GetJob>("GJ", (_, m) => new() { Id = m.Id.Value }, (_, p) => new(new JobId(p.Id))),
        Format.Of<AwaitJob, Proto.AwaitJob>("AJ", (_, m) => new() { Id = m.Id.Value }, (_, p) => new(new JobId(p.Id))),
        Format.Of<SubscribeToJob, Proto.SubscribeToJob>(
            "SB",
            (s, m) => new() { Id = m.Id.Value, Subscriber = s.PathOf(m.Subscriber), Batches = m.Batches },
            (s, p) => new(new JobId(p.Id), s.RefAt(p.Subscriber), p.Batches)),
        Format.Of<CancelJob, Proto.CancelJob>("CJ", (_, m) => new() { Id = m.Id.Value }, (_, p) => new(new JobId(p.Id))),
        Format.Of<JobNotFound, Proto.JobNotFound>("NF", (_, m) => new() { Id = m.Id.Value }, (_, p) => new(new JobId(p.Id))),
        Format.Of<GetJobs, Proto.GetJobs>(
            "GL",
            (_, m) => m.Before is { } before ? new() { Limit = m.Limit, Before = before.Value } : new() { Limit = m.Limit },
            (_, p) => new(p.Limit, p.HasBefore ? new JobId(p.Before) : null)),
        Format.Of<JobList, Proto.JobList>(
            "JL",
            (_, m) => new() { Jobs = { m.Jobs.Select(ToProto) }, More = m.More },
            (_, p) => new([.. AtMost(p.Jobs, WireLimits.Jobs, "jobs").Select(FromProto)], p.More)),
        Format.Of<JobView, Proto.JobView>("JV", (_, m) => ToProto(m), (_, p) => FromProto(p)),
        Format.Of<GetWorkers, Proto.GetWorkers>("GW", (_, _) => new(), (_, _) => GetWorkers.Instance),
        Format.Of<GetApiUrl, Proto.GetApiUrl>("GA", (_, _) => new(), (_, _) => GetApiUrl.Instance),
        Format.Of<ApiUrl, Proto.ApiUrl>("AU", (_, m) => new() { Url = m.Url }, (_, p) => new(p.Url)),
        Format.Of<WorkerView, Proto.WorkerView>("WV", (_, m) => ToProto(m), (_, p) => FromProto(p)),
        Format.Of<WorkerList, Proto.WorkerList>(
            "WL",
            (_, m) => new()
            {
                Workers = { m.Workers.Select(ToProto) },
                Mismatches = { m.Mismatches.Select(n => new Proto.NodeMismatches { Node = n.Node.ToString(), Count = n.Count }) },
                Throughput = m.Throughput is { } sample ? ToProto(sample) : null,
            },
            (_, p) => new(
                [.. AtMost(p.Workers, WireLimits.Workers, "workers").Select(FromProto)],
                [.. AtMost(p.Mismatches, WireLimits.Nodes, "nodes").Select(n => new NodeMismatches(AddressOf(n.Node), n.Count))],
                p.Throughput is { } sample ? FromProto(sample) : null)),
        Format.Of<JobCheckpoint, Proto.JobCheckpoint>("JC", (_, m) => ToProto(m), (_, p) => FromProto(p)),
        Format.Of<EstimateJob, Proto.EstimateJob>("EJ", (_, m) => new() { Spec = ToProto(m.Spec) }, (_, p) => new(FromProto(Required(p.Spec)))),
        Format.Of<JobEstimate, Proto.JobEstimate>(
            "JE",
            (_, m) => new() { Batches = m.Batches, Cores = m.Cores, TrialChecksPerSecond = m.TrialChecksPerSecond, CostLimit = m.CostLimit.Ticks },
            (_, p) => new(p.Batches, p.Cores, p.TrialChecksPerSecond, TimeSpan.FromTicks(p.CostLimit))),
        Format.Of<SubscribeToCluster, Proto.SubscribeToCluster>("SC", (s, m) => new() { Subscriber = s.PathOf(m.Subscriber) }, (s, p) => new(s.RefAt(p.Subscriber))),
        Format.Of<StillSubscribed, Proto.StillSubscribed>("SS", (_, _) => new(), (_, _) => StillSubscribed.Instance),
        Format.Of<Activity, Proto.Activity>(
            "AC",
            (_, m) => new() { Nodes = { m.Nodes.Select(n => new Proto.NodeActivity { Node = n.Node.ToString(), Workers = n.Workers, Busy = n.Busy, Mismatches = n.Mismatches, Excluded = n.Excluded }) } },
            (_, p) => new([.. AtMost(p.Nodes, WireLimits.Nodes, "nodes").Select(n => new NodeActivity(AddressOf(n.Node), n.Workers, n.Busy, n.Mismatches, n.Excluded))])),
        Format.Of<ThroughputSample, Proto.ThroughputSample>("TS", (_, m) => ToProto(m), (_, p) => FromProto(p)),
        Format.Of<ThroughputHistory, Proto.ThroughputHistory>(
            "TH",
            (_, m) => new() { Samples = { m.Samples.Select(ToProto) } },
            (_, p) => new([.. AtMost(p.Samples, WireLimits.Samples, "samples").Select(FromProto)])),
        Format.Of<BatchTimeline, Proto.BatchTimeline>(
            "BT",
            (_, m) => new() { Id = m.Id.Value, Batches = { m.Batches.Select(ToProto) }, Snapshot = m.Snapshot },
            (_, p) => new(new JobId(p.Id), [.. AtMost(p.Batches, WireLimits.BatchRecords, "batch records").Select(FromProto)], p.Snapshot)),
    ];

    private static readonly FrozenDictionary<Type, Format> ByType = Formats.ToFrozenDictionary(f => f.Type);

    private static readonly FrozenDictionary<string, Format> ByManifest = Formats.ToFrozenDictionary(f => f.Manifest);

    public override int Identifier => FormatIdentifier;

    public override string Manifest(object o) => FormatOf(o).Manifest;

    public override byte[] ToBinary(object obj) => FormatOf(obj).ToProto(this, obj).ToByteArray();

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!ByManifest.TryGetValue(manifest, out var format))
        {
            throw new SerializationException($"Unknown manifest '{manifest}' for {nameof(ProtocolSerializer)}");
        }

        try
        {
            return format.FromBinary(this, bytes);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or ArgumentException or FormatException or SerializationException)
        {
            // Bytes that are no message of the schema, a value the message's own type refuses (a range whose from
            // exceeds its til), more than any build sends (WireLimits): refused here rather than by whatever actor
            // first used it.
            throw new SerializationException($"a '{manifest}' message that cannot be read: {e.Message}", e);
        }
    }

    private static Format FormatOf(object message) => ByType.TryGetValue(message.GetType(), out var format)
        ? format
        : throw new ArgumentException($"{message.GetType()} has no manifest in {nameof(ProtocolSerializer)}", nameof(message));

    private string PathOf(IActorRef actor) => Akka.Serialization.Serialization.SerializedActorPath(actor);

    private IActorRef RefAt(string path) => path.Length > 0
        ? system.Provider.ResolveActorRef(path)
        : throw new SerializationException("a message without the actor it names");

    /// <summary>One message type's form. Adding a message is one entry in <see cref="Formats"/> and one in the schema.</summary>
    private abstract class Format(Type type, string manifest)
    {
        public Type Type { get; } = type;

        public string Manifest { get; } = manifest;

        public static Format Of<TMessage, TProto>(string manifest, Func<ProtocolSerializer, TMessage, TProto> toProto, Func<ProtocolSerializer, TProto, TMessage> fromProto)
            where TMessage : notnull
            where TProto : IMessage<TProto>, new() => new Typed<TMessage, TProto>(manifest, toProto, fromProto);

        public abstract IMessage ToProto(ProtocolSerializer serializer, object message);

        public abstract object FromBinary(ProtocolSerializer serializer, byte[] bytes);

        private sealed class Typed<TMessage, TProto>(string manifest, Func<ProtocolSerializer, TMessage, TProto> toProto, Func<ProtocolSerializer, TProto, TMessage> fromProto)
            : Format(typeof(TMessage), manifest)
            where TMessage : notnull
            where TProto : IMessage<TProto>, new()
        {
            private readonly MessageParser<TProto> parser = new(() => new TProto());

            public override IMessage ToProto(ProtocolSerializer serializer, object message) => toProto(serializer, (TMessage)message);

            public override object FromBinary(ProtocolSerializer serializer, byte[] bytes) => fromProto(serializer, parser.ParseFrom(bytes));
        }
    }
}
