using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.Serialization;
using Akka.Actor;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using static PrimeCluster.Actors.Messages.ClusterProtocol;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Actors.Serialization;

/// <summary>The parts several messages share, to their schema's form and back, checked on the way in.</summary>
internal static class ProtoForms
{
    public static ulong Low(UInt128 value) => (ulong)value;

    public static ulong High(UInt128 value) => (ulong)(value >> 64);

    public static Proto.NumberRange ToProto(NumberRange range) => new() { From = range.From, Til = range.Til };

    public static NumberRange FromProto(Proto.NumberRange range) => new(range.From, range.Til);

    public static Proto.Tally ToProto(Tally tally) => new() { PrimeCount = tally.PrimeCount, CheckCountLow = Low(tally.CheckCount), CheckCountHigh = High(tally.CheckCount) };

    public static Tally FromProto(Proto.Tally tally) => new(tally.PrimeCount, new UInt128(tally.CheckCountHigh, tally.CheckCountLow));

    /// <summary>No token (from an earlier build) is written as no field: two bytes fewer, and read back as none.</summary>
    public static Proto.AssignmentToken? ToProto(AssignmentToken token) =>
        token == AssignmentToken.None ? null : new() { Low = Low(token.Value), High = High(token.Value) };

    public static AssignmentToken FromProto(Proto.AssignmentToken? token) =>
        token is null ? AssignmentToken.None : new(new UInt128(token.High, token.Low));

    public static Proto.BatchResult ToProto(WorkProtocol.BatchResult result) => new()
    {
        Index = result.Index,
        PrimeCount = result.Tally.PrimeCount,
        CheckCountLow = Low(result.Tally.CheckCount),
        CheckCountHigh = High(result.Tally.CheckCount),
    };

    public static WorkProtocol.BatchResult FromProto(Proto.BatchResult result) =>
        new(WireLimits.Index(result.Index), new Tally(result.PrimeCount, new UInt128(result.CheckCountHigh, result.CheckCountLow)));

    public static Proto.JobSpec ToProto(JobSpec spec)
    {
        var proto = new Proto.JobSpec { Range = ToProto(spec.Range), Algorithm = (Proto.Algorithm)spec.Algorithm, Split = (Proto.SplitStrategy)spec.Split };
        if (spec.Batches is { } batches)
        {
            proto.Batches = batches;
        }

        return proto;
    }

    public static JobSpec FromProto(Proto.JobSpec spec) =>
        new(FromProto(Required(spec.Range)), Defined<Algorithm>(spec.Algorithm), Defined<SplitStrategy>(spec.Split), spec.HasBatches ? spec.Batches : null);

    public static Proto.JobView ToProto(JobView view)
    {
        var proto = new Proto.JobView
        {
            Id = view.Id.Value,
            Spec = ToProto(view.Spec),
            State = (Proto.JobState)view.State,
            BatchesDone = view.BatchesDone,
            BatchCount = view.BatchCount,
            SoFar = ToProto(view.SoFar),
            EstimatedChecksLow = Low(view.EstimatedChecks),
            EstimatedChecksHigh = High(view.EstimatedChecks),
            EstimateIsExact = view.EstimateIsExact,
            Workers = view.Workers,
            SubmittedAt = view.SubmittedAt.UtcTicks,
            Elapsed = view.Elapsed.Ticks,
        };
        if (view.StartedAt is { } started)
        {
            proto.StartedAt = started.UtcTicks;
        }

        if (view.FinishedAt is { } finished)
        {
            proto.FinishedAt = finished.UtcTicks;
        }

        if (view.Error is { } error)
        {
            proto.Error = error;
        }

        return proto;
    }

    public static JobView FromProto(Proto.JobView view) => new(
        new JobId(view.Id),
        FromProto(Required(view.Spec)),
        Defined<JobState>(view.State),
        view.BatchesDone,
        view.BatchCount,
        view.SoFar is { } soFar ? FromProto(soFar) : Tally.Zero,
        new UInt128(view.EstimatedChecksHigh, view.EstimatedChecksLow),
        view.EstimateIsExact,
        view.Workers,
        TimeAt(view.SubmittedAt),
        view.HasStartedAt ? TimeAt(view.StartedAt) : null,
        view.HasFinishedAt ? TimeAt(view.FinishedAt) : null,
        TimeSpan.FromTicks(view.Elapsed),
        view.HasError ? view.Error : null);

    public static Proto.JobCheckpoint ToProto(JobCheckpoint checkpoint) => new()
    {
        View = ToProto(checkpoint.View),
        BatchesPerWorker = checkpoint.BatchesPerWorker,
        MaxBatchDuration = checkpoint.MaxBatchDuration.Ticks,
        PlanFingerprint = checkpoint.PlanFingerprint,
        Done = { checkpoint.Done.Select(span => new Proto.BatchSpan { First = span.First, Last = span.Last }) },
        PlanWorkers = checkpoint.PlanWorkers,
    };

    public static JobCheckpoint FromProto(Proto.JobCheckpoint checkpoint)
    {
        var view = FromProto(Required(checkpoint.View));
        return new JobCheckpoint(
            view,
            checkpoint.BatchesPerWorker,
            TimeSpan.FromTicks(checkpoint.MaxBatchDuration),
            checkpoint.PlanFingerprint,
            [.. WireLimits.AtMost(checkpoint.Done, (int)Math.Min(int.MaxValue, (view.BatchCount + 1) / 2), "spans of done batches").Select(span => new BatchSpan(span.First, span.Last))],
            checkpoint.HasPlanWorkers ? checkpoint.PlanWorkers : view.Workers);
    }

    public static Proto.WorkerView ToProto(WorkerView worker) => new() { Node = worker.Node.ToString(), Path = worker.Path, Batches = worker.Batches, Excluded = worker.Excluded };

    public static WorkerView FromProto(Proto.WorkerView worker) => new(AddressOf(worker.Node), worker.Path, worker.Batches, worker.Excluded);

    public static Proto.ThroughputSample ToProto(ThroughputSample sample) => new()
    {
        At = sample.At.UtcTicks,
        Nodes = { sample.Nodes.Select(n => new Proto.NodeThroughput { Node = n.Node.ToString(), ChecksPerSecond = n.ChecksPerSecond }) },
        Algorithms = { sample.Algorithms.Select(a => new Proto.AlgorithmThroughput { Node = a.Node.ToString(), Algorithm = (Proto.Algorithm)a.Algorithm, PerSecond = a.PerSecond }) },
    };

    public static ThroughputSample FromProto(Proto.ThroughputSample sample) =>
        new(
            TimeAt(sample.At),
            [.. WireLimits.AtMost(sample.Nodes, WireLimits.Nodes, "nodes").Select(n => new NodeThroughput(AddressOf(n.Node), n.ChecksPerSecond))],
            [.. WireLimits.AtMost(sample.Algorithms, WireLimits.Nodes, "algorithm rates").Select(a => new AlgorithmThroughput(AddressOf(a.Node), Defined<Algorithm>(a.Algorithm), a.PerSecond))]);

    public static Proto.BatchRecord ToProto(BatchRecord record)
    {
        var proto = new Proto.BatchRecord
        {
            Index = record.Index,
            Range = ToProto(record.Range),
            Worker = record.Worker,
            Node = record.Node.ToString(),
            HandedOutAt = record.HandedOutAt.UtcTicks,
            Outcome = (Proto.BatchOutcome)record.Outcome,
        };
        if (record.FinishedAt is { } finished)
        {
            proto.FinishedAt = finished.UtcTicks;
        }

        return proto;
    }

    public static BatchRecord FromProto(Proto.BatchRecord record) => new(
        record.Index,
        FromProto(Required(record.Range)),
        record.Worker,
        AddressOf(record.Node),
        TimeAt(record.HandedOutAt),
        record.HasFinishedAt ? TimeAt(record.FinishedAt) : null,
        Defined<BatchOutcome>(record.Outcome));

    public static Address AddressOf(string address) => Address.Parse(address);

    /// <summary>A part every build writes: a message without it is refused, not read with a made-up value.</summary>
    public static T Required<T>(T? part)
        where T : class => part ?? throw new SerializationException($"a message without its {typeof(T).Name}");

    /// <summary>
    /// The value of <typeparamref name="T"/> with the schema enum's number, or the message is refused here: a value no
    /// build of this one's version writes would otherwise fail whatever actor first names it.
    /// </summary>
    public static T Defined<T>(Enum value)
        where T : struct, Enum
    {
        var number = Convert.ToInt32(value, CultureInfo.InvariantCulture);
        return Numbered<T>.Values.TryGetValue(number, out var defined)
            ? defined
            : throw new SerializationException($"{number} is not a {typeof(T).Name}");
    }

    private static DateTimeOffset TimeAt(long utcTicks) => new(utcTicks, TimeSpan.Zero);

    /// <summary>By number, so that no number outside the enum's underlying type wraps onto one of its values.</summary>
    private static class Numbered<T>
        where T : struct, Enum
    {
        public static readonly FrozenDictionary<int, T> Values = Enum.GetValues<T>().ToFrozenDictionary(v => Convert.ToInt32(v, CultureInfo.InvariantCulture));
    }
}
