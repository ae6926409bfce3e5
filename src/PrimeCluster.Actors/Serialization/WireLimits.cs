using System.Runtime.Serialization;
using Google.Protobuf.Collections;
using PrimeCluster.Actors.Messages;

namespace PrimeCluster.Actors.Serialization;

/// <summary>
/// How much of each thing one message may carry: what no build of this version sends more of. A message beyond is
/// refused at the wire, as bytes that are no message are, before any actor sees it; Akka.Remote's frame limit (128 KB)
/// bounds its size first.
/// </summary>
internal static class WireLimits
{
    /// <summary>Batches assigned, results, batches returned or dropped, in one message.</summary>
    public const int Batches = WorkProtocol.MaxBatchesPerMessage;

    public const int Jobs = JobProtocol.GetJobs.MaxLimit;

    public const int BatchRecords = MonitoringProtocol.BatchTimeline.MaxBatches;

    /// <summary>Throughput samples: one a second over the history's 15 minutes, and some to spare.</summary>
    public const int Samples = 1_000;

    /// <summary>Nodes in one list: the cluster's members.</summary>
    public const int Nodes = 10_000;

    /// <summary>Workers in one list: the cluster's worker actors.</summary>
    public const int Workers = 100_000;

    /// <summary>A repeated field with at most <paramref name="max"/> items; else the message is refused.</summary>
    public static RepeatedField<T> AtMost<T>(RepeatedField<T> field, int max, string what) => field.Count <= max
        ? field
        : throw new SerializationException($"{field.Count} {what}, more than the {max} any build sends in one message");

    /// <summary>Text of at most <paramref name="max"/> characters; else the message is refused.</summary>
    public static string AtMost(string text, int max, string what) => text.Length <= max
        ? text
        : throw new SerializationException($"{what} of {text.Length} characters, more than the {max} any build sends");

    /// <summary>A batch's index: never negative.</summary>
    public static long Index(long index) => index >= 0 ? index : throw new SerializationException($"a batch index of {index}");

    /// <summary>Places for batches a worker has, or batches it holds: from 0 to <see cref="Batches"/>.</summary>
    public static int Slots(int count, string what) => count is >= 0 and <= Batches
        ? count
        : throw new SerializationException($"{what} of {count}, not from 0 to {Batches}");
}
