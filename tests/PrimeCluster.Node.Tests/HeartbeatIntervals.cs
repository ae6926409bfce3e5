using System.Globalization;
using System.Text.RegularExpressions;
using PrimeCluster.Testing;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// The heartbeat intervals some nodes' failure detectors took in (<c>primecluster_heartbeat_interval_seconds</c>,
/// summed over the nodes' /metrics): how many fell at or below each bucket's bound.
/// </summary>
internal sealed partial class HeartbeatIntervals(SortedDictionary<double, long> buckets)
{
    private readonly SortedDictionary<double, long> _atOrBelow = buckets;

    public long Count => _atOrBelow.GetValueOrDefault(double.PositiveInfinity);

    public static async Task<HeartbeatIntervals> ReadAsync(IEnumerable<NodeProcess> nodes)
    {
        var buckets = new SortedDictionary<double, long>();
        foreach (var node in nodes)
        {
            foreach (Match bucket in BucketPattern().Matches(await node.Http.GetStringAsync("/metrics")))
            {
                var bound = bucket.Groups["le"].Value == "+Inf" ? double.PositiveInfinity : double.Parse(bucket.Groups["le"].Value, CultureInfo.InvariantCulture);
                buckets[bound] = buckets.GetValueOrDefault(bound) + long.Parse(bucket.Groups["count"].Value, CultureInfo.InvariantCulture);
            }
        }

        return new HeartbeatIntervals(buckets);
    }

    /// <summary>The intervals taken in since <paramref name="before"/> was read.</summary>
    public HeartbeatIntervals Since(HeartbeatIntervals before) =>
        new(new SortedDictionary<double, long>(_atOrBelow.ToDictionary(b => b.Key, b => b.Value - before._atOrBelow.GetValueOrDefault(b.Key))));

    /// <summary>How many took longer than <paramref name="seconds"/>, a bucket's bound.</summary>
    public long Over(double seconds) => Count - _atOrBelow.GetValueOrDefault(seconds);

    /// <summary>The bounds of the bucket of the longest interval: ("3", "4") when it took more than 3 s and at most 4 s.</summary>
    public string Longest()
    {
        var bounds = _atOrBelow.Keys.ToList();
        var last = bounds.FindIndex(b => _atOrBelow[b] == Count);
        return last switch
        {
            < 0 => "none",
            0 => $"at most {bounds[0]} s",
            _ => $"over {bounds[last - 1]} s, at most {bounds[last]} s",
        };
    }

    public override string ToString() => Count == 0
        ? "no heartbeats"
        : string.Create(CultureInfo.InvariantCulture, $"{Count} heartbeats; {(double)_atOrBelow.GetValueOrDefault(1.1) / Count:P1} within 1.1 s; over 1.5 s: {Over(1.5)}, over 2 s: {Over(2)}, over 3 s: {Over(3)}, over 4 s: {Over(4)}; the longest {Longest()}");

    [GeneratedRegex("""^primecluster_heartbeat_interval_seconds_bucket\{[^}]*le="(?<le>[^"]+)"[^}]*\} (?<count>\d+)""", RegexOptions.Multiline)]
    private static partial Regex BucketPattern();
}
