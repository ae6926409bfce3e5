using System.Diagnostics.Metrics;
using PrimeCluster.Actors.Diagnostics;

namespace PrimeCluster.Actors.Tests;

/// <summary>
/// What <see cref="ClusterMetrics"/> measures while it listens, as a <see cref="MeterListener"/> sees it: counters
/// summed, histograms counted, gauges as last observed. Instruments are process-wide, so specs that use it run alone.
/// </summary>
internal sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<(string Name, string Tags), double> _values = [];

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

    /// <summary>A counter's sum, or a histogram's count of measurements, over the tags that match <paramref name="tags"/>.</summary>
    public double Sum(string name, params string[] tags)
    {
        lock (_values)
        {
            return _values.Where(p => p.Key.Name == name && tags.All(t => p.Key.Tags.Split(',').Contains(t))).Sum(p => p.Value);
        }
    }

    /// <summary>A gauge's value now, for the tags given (<c>state=queued</c>), summed over the rest.</summary>
    public double Gauge(string name, params string[] tags)
    {
        lock (_values)
        {
            foreach (var key in _values.Keys.Where(k => k.Name == name).ToList())
            {
                _values.Remove(key);
            }
        }

        _listener.RecordObservableInstruments();
        return Sum(name, tags);
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = (instrument.Name, string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}").Order(StringComparer.Ordinal)));
        var histogram = instrument.GetType().GetGenericTypeDefinition() == typeof(Histogram<>);
        lock (_values)
        {
            _values[key] = _values.GetValueOrDefault(key) + (histogram ? 1 : value);
        }
    }
}
