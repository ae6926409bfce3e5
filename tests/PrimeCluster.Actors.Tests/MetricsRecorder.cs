using System.Diagnostics.Metrics;
using PrimeCluster.Actors.Diagnostics;

namespace PrimeCluster.Actors.Tests;

/// <summary>
/// <see cref="ClusterMetrics"/> as a <see cref="MeterListener"/> sees it: observable counters and gauges as observed
/// now (counters count from the process's start, so specs compare before and after); counters and histograms by what
/// was measured since the recorder started. The instruments are process-wide, so specs that use it run alone.
/// </summary>
internal sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<(string Name, string Tags), double> _observed = [];
    private readonly Dictionary<(string Name, string Tags), (long Count, double Sum)> _recorded = [];

    public MetricsRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ClusterMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>An observable instrument's value now, for the tags given (<c>state=queued</c>), summed over the others.</summary>
    public double Observe(string name, params string[] tags)
    {
        lock (_observed)
        {
            _observed.Clear();
        }

        _listener.RecordObservableInstruments();
        lock (_observed)
        {
            return _observed.Where(p => p.Key.Name == name && Matches(p.Key.Tags, tags)).Sum(p => p.Value);
        }
    }

    /// <summary>How many measurements an instrument took since the recorder started, for the tags given.</summary>
    public long Recorded(string name, params string[] tags)
    {
        lock (_recorded)
        {
            return _recorded.Where(p => p.Key.Name == name && Matches(p.Key.Tags, tags)).Sum(p => p.Value.Count);
        }
    }

    /// <summary>What a counter added since the recorder started, for the tags given.</summary>
    public double Added(string name, params string[] tags)
    {
        lock (_recorded)
        {
            return _recorded.Where(p => p.Key.Name == name && Matches(p.Key.Tags, tags)).Sum(p => p.Value.Sum);
        }
    }

    public void Dispose() => _listener.Dispose();

    private static bool Matches(string recorded, string[] tags) => tags.All(recorded.Split(',').Contains);

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = (instrument.Name, string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}").Order(StringComparer.Ordinal)));
        if (instrument.IsObservable)
        {
            lock (_observed)
            {
                _observed[key] = value;
            }
        }
        else
        {
            lock (_recorded)
            {
                var (count, sum) = _recorded.GetValueOrDefault(key);
                _recorded[key] = (count + 1, sum + value);
            }
        }
    }
}
