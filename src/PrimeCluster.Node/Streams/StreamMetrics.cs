using System.Diagnostics.Metrics;

namespace PrimeCluster.Node.Streams;

/// <summary>
/// The API's event streams, on a meter of their own, <see cref="MeterName"/>, beside the actors': streams open, feeds
/// (what the coordinator pushes to this node, however many streams show it), streams refused by a limit, and streams
/// dropped for falling behind. docs/metrics.md lists them.
/// </summary>
internal static class StreamMetrics
{
    public const string MeterName = "PrimeCluster.Api";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Refused = Meter.CreateCounter<long>(
        "primecluster.api.event_streams.refused",
        "{stream}",
        "Event streams refused: beyond the streams one client may hold open (limit=client, 429) or the node serves (limit=node, 503)");

    private static readonly Counter<long> Dropped = Meter.CreateCounter<long>(
        "primecluster.api.event_streams.dropped",
        "{stream}",
        "Event streams ended because their reader fell too far behind");

    private static long _open;
    private static long _feeds;

    static StreamMetrics()
    {
        Meter.CreateObservableUpDownCounter("primecluster.api.event_streams", () => Interlocked.Read(ref _open), "{stream}", "Event streams open now");
        Meter.CreateObservableUpDownCounter(
            "primecluster.api.event_feeds",
            () => Interlocked.Read(ref _feeds),
            "{feed}",
            "What the coordinator pushes to this node for its event streams now: the cluster's picture and each job followed, one feed however many streams read it");
    }

    public static void StreamOpened(int change) => Interlocked.Add(ref _open, change);

    public static void FeedStarted(int change) => Interlocked.Add(ref _feeds, change);

    public static void StreamRefused(bool byClient) => Refused.Add(1, new KeyValuePair<string, object?>("limit", byClient ? "client" : "node"));

    public static void StreamDropped() => Dropped.Add(1);
}
