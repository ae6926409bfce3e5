using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// One hand-out of a batch to a worker, as <see cref="BatchLedger{TWorker}"/> made it: from the moment it was handed
/// out until the worker let go of it (reported it, failed it, handed it back, was lost or excluded, or lost the race
/// to a copy), and how that ended. The worker holds the batch while <see cref="Outcome"/> is
/// <see cref="BatchOutcome.Running"/>.
/// </summary>
public sealed class HandOut<TWorker>
    where TWorker : notnull
{
    internal HandOut(long sequence, long index, TWorker worker, HandOut<TWorker>? races, long timestamp, DateTimeOffset at)
    {
        Sequence = sequence;
        Index = index;
        Worker = worker;
        Races = races;
        Timestamp = timestamp;
        HandedOutAt = at;
    }

    /// <summary>The job's hand-outs are numbered from 0 in the order they were made, whatever their batch.</summary>
    public long Sequence { get; }

    /// <summary>The batch.</summary>
    public long Index { get; }

    public TWorker Worker { get; }

    /// <summary>For a backup copy, the hand-out of the same batch it races; null for a batch's first hand-out.</summary>
    public HandOut<TWorker>? Races { get; }

    public bool IsCopy => Races is not null;

    /// <summary>A copy of its batch went to another worker while this one was out: its time is a late batch's.</summary>
    public bool Raced { get; internal set; }

    /// <summary>When it was handed out, as the ledger's clock's timestamp: what how long it has been out is measured from.</summary>
    public long Timestamp { get; }

    public DateTimeOffset HandedOutAt { get; }

    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>
    /// <see cref="BatchOutcome.Running"/> while the worker holds the batch; then <see cref="BatchOutcome.Counted"/> (its
    /// tally was taken, to count or to be checked), <see cref="BatchOutcome.Wrong"/>, <see cref="BatchOutcome.LostRace"/>,
    /// <see cref="BatchOutcome.HandedBack"/> or <see cref="BatchOutcome.Failed"/>.
    /// </summary>
    public BatchOutcome Outcome { get; private set; } = BatchOutcome.Running;

    public bool IsOpen => Outcome == BatchOutcome.Running;

    internal void End(BatchOutcome outcome, DateTimeOffset at)
    {
        Outcome = outcome;
        EndedAt = at;
    }
}
