namespace PrimeCluster.Actors.Tests;

/// <summary>A clock that moves only when told: what a job's core-seconds come to, without waiting for them.</summary>
internal sealed class ManualClock : TimeProvider
{
    /// <summary>What the clock says before it is moved.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 29, 6, 0, 0, TimeSpan.Zero);

    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => Start.AddTicks(Interlocked.Read(ref _ticks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
