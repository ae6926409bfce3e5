using Akka.Actor;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Core;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// The checks each node's results carry, as a sample per second, with what each node did by algorithm in that
/// algorithm's terms (<see cref="AlgorithmThroughput"/>), and the samples of the last <see cref="Window"/>. A node that
/// counted nothing in a second has no entry in that sample.
/// </summary>
internal sealed class ThroughputRecorder
{
    public static readonly TimeSpan Window = ThroughputHistory.Window;

    private readonly Dictionary<(Address Node, Algorithm Algorithm), JobControl.Counted> _counted = [];
    private readonly Queue<ThroughputSample> _samples = new();
    private DateTimeOffset? _since;
    private bool _lastHadChecks;

    /// <summary>Whether the last sample, or what has been counted since, has any checks: whether samples are worth taking.</summary>
    public bool Active => _counted.Count > 0 || _lastHadChecks;

    public IReadOnlyList<ThroughputSample> History => [.. _samples];

    /// <summary>The newest sample: each node's checks per second over the last second sampled; none before the first.</summary>
    public ThroughputSample? Latest { get; private set; }

    public void Add(Address node, Algorithm algorithm, JobControl.Counted counted, DateTimeOffset now)
    {
        _since ??= now;
        _counted[(node, algorithm)] = _counted.GetValueOrDefault((node, algorithm)) + counted;
    }

    /// <summary>What each node did per second since the last sample, kept in the history.</summary>
    public ThroughputSample Sample(DateTimeOffset now)
    {
        var seconds = _since is { } since ? Math.Max((now - since).TotalSeconds, 1e-3) : 1;
        var nodes = _counted
            .GroupBy(c => c.Key.Node)
            .Select(g => new NodeThroughput(g.Key, (double)g.Aggregate(UInt128.Zero, (sum, c) => sum + c.Value.Checks) / seconds))
            .OrderBy(n => n.Node.ToString(), StringComparer.Ordinal)
            .ToList();
        var algorithms = _counted
            .Select(c => new AlgorithmThroughput(c.Key.Node, c.Key.Algorithm, (double)(c.Key.Algorithm == Algorithm.Trial ? c.Value.Checks : c.Value.Numbers) / seconds))
            .OrderBy(a => a.Algorithm)
            .ThenBy(a => a.Node.ToString(), StringComparer.Ordinal)
            .ToList();
        var sample = new ThroughputSample(now, nodes, algorithms);
        _counted.Clear();
        _since = now;
        _lastHadChecks = nodes.Count > 0;
        _samples.Enqueue(sample);
        Latest = sample;
        while (_samples.TryPeek(out var oldest) && now - oldest.At > Window)
        {
            _samples.Dequeue();
        }

        return sample;
    }
}
