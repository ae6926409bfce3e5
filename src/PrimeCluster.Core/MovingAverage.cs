namespace PrimeCluster.Core;

/// <summary>
/// An exponential moving average weighing each new sample a fifth: one odd sample moves it little, a lasting change
/// shows within a few. No value (NaN) before the first sample.
/// </summary>
public sealed class MovingAverage
{
    public double Value { get; private set; } = double.NaN;

    public bool HasValue => !double.IsNaN(Value);

    public void Add(double sample) => Value = HasValue ? (0.8 * Value) + (0.2 * sample) : sample;
}
