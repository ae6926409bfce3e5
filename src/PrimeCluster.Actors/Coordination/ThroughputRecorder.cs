using Akka.Actor;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// The checks each node's results carry, as a sample per second, and the samples of the last
/// <see cref="Window"/>. A node that counted nothing in a second has no entry in that sample.
/// </summary>
internal sealed class ThroughputRecorder
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private readonly Dictionary<Address, UInt128> _checks = [];
    private readonly Queue<ThroughputSample> _samples = new();
    private DateTimeOffset? _since;
    private bool _lastHadChecks;

    /// <summary>Whether the last sample, or what has been counted since, has any checks: whether samples are worth taking.</summary>
    public bool Active => _checks.Count > 0 || _lastHadChecks;

    public IReadOnlyList<ThroughputSample> History => [.. _samples];

    /// <summary>The newest sample: each node's checks per second over the last second sampled; none before the first.</summary>
    public ThroughputSample? Latest { get; private set; }

    public void Add(Address node, UInt128 checks, DateTimeOffset now)
    {
        _since ??= now;
        _checks[node] = _checks.GetValueOrDefault(node) + checks;
    }

    /// <summary>The checks per second of each node since the last sample, kept in the history.</summary>
    public ThroughputSample Sample(DateTimeOffset now)
    {
        var seconds = _since is { } since ? Math.Max((now - since).TotalSeconds, 1e-3) : 1;
        var sample = new ThroughputSample(now, _checks.Select(c => new NodeThroughput(c.Key, (double)c.Value / seconds)).OrderBy(n => n.Node.ToString(), StringComparer.Ordinal).ToList());
        _checks.Clear();
        _since = now;
        _lastHadChecks = sample.Nodes.Count > 0;
        _samples.Enqueue(sample);
        Latest = sample;
        while (_samples.TryPeek(out var oldest) && now - oldest.At > Window)
        {
            _samples.Dequeue();
        }

        return sample;
    }
}
