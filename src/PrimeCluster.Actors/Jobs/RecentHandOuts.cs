using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// A job's most recent hand-outs, as its ledger made and ended them, for the job's timeline: a ring of
/// <see cref="Capacity"/>, so a job of a million batches keeps a bounded tail. The ledger's hand-out records are the
/// entries; this keeps no times of its own.
/// </summary>
internal sealed class RecentHandOuts<TWorker> : IHandOutObserver<TWorker>
    where TWorker : notnull
{
    public const int Capacity = BatchTimeline.MaxBatches;

    private readonly HandOut<TWorker>?[] _ring = new HandOut<TWorker>?[Capacity];

    /// <summary>Entries changed since the last <see cref="TakeChanges"/>, by sequence, while <see cref="Tracking"/>.</summary>
    private readonly SortedSet<long> _changed = [];

    /// <summary>The sequence after the newest hand-out.</summary>
    private long _end;

    /// <summary>Whether someone follows the changes: only then are they noted.</summary>
    public bool Tracking { get; set; }

    public void HandedOut(HandOut<TWorker> handOut)
    {
        _ring[handOut.Sequence % Capacity] = handOut;
        _end = handOut.Sequence + 1;
        Changed(handOut.Sequence);
    }

    public void Ended(HandOut<TWorker> handOut)
    {
        if (ReferenceEquals(_ring[handOut.Sequence % Capacity], handOut))
        {
            Changed(handOut.Sequence);
        }
    }

    /// <summary>Every entry kept, oldest first.</summary>
    public IReadOnlyList<T> Snapshot<T>(Func<HandOut<TWorker>, BatchOutcome, T> select)
    {
        var first = Math.Max(0, _end - Capacity);
        var all = new List<T>((int)(_end - first));
        for (var sequence = first; sequence < _end; sequence++)
        {
            var handOut = _ring[sequence % Capacity]!;
            all.Add(select(handOut, Shown(handOut)));
        }

        _changed.Clear();
        return all;
    }

    /// <summary>The entries changed since the last call (or snapshot) that are still kept, oldest first.</summary>
    public IReadOnlyList<T> TakeChanges<T>(Func<HandOut<TWorker>, BatchOutcome, T> select)
    {
        var first = _end - Capacity;
        var changed = _changed.Where(s => s >= first).Select(s => _ring[s % Capacity]!).Select(h => select(h, Shown(h))).ToList();
        _changed.Clear();
        return changed;
    }

    /// <summary>How a hand-out shows: a copy that runs, or whose result counts, is a late copy.</summary>
    private static BatchOutcome Shown(HandOut<TWorker> handOut) =>
        handOut.IsCopy && handOut.Outcome is BatchOutcome.Running or BatchOutcome.Counted ? BatchOutcome.LateCopy : handOut.Outcome;

    private void Changed(long sequence)
    {
        if (Tracking)
        {
            _changed.Add(sequence);
        }
    }
}
