using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// A job's most recent batch hand-outs, for its timeline: to which worker, when, and how each ended. A ring of
/// <see cref="Capacity"/> entries, so a job of a million batches keeps a bounded tail; nothing is allocated per batch.
/// </summary>
internal sealed class HandOutLog<TWorker>
    where TWorker : notnull
{
    public const int Capacity = BatchTimeline.MaxBatches;

    private readonly Entry[] _ring = new Entry[Capacity];

    /// <summary>The entries without an end, by batch and worker: their sequence numbers.</summary>
    private readonly Dictionary<(long Index, TWorker Worker), long> _open = [];

    /// <summary>Entries changed since the last <see cref="TakeChanges"/>, while <see cref="Tracking"/>.</summary>
    private readonly SortedSet<long> _changed = [];

    private long _written;

    /// <summary>Whether someone follows the changes: only then are they noted.</summary>
    public bool Tracking { get; set; }

    public void HandedOut(long index, TWorker worker, DateTime now, bool copy)
    {
        var sequence = _written++;
        // An entry still open when it is overwritten can no longer end.
        if (_ring[sequence % Capacity] is { Worker: not null } overwritten
            && _open.TryGetValue((overwritten.Index, overwritten.Worker), out var open)
            && open == overwritten.Sequence)
        {
            _open.Remove((overwritten.Index, overwritten.Worker));
        }

        _ring[sequence % Capacity] = new Entry(sequence, index, worker, now, null, copy ? BatchOutcome.LateCopy : BatchOutcome.Running);
        _open[(index, worker)] = sequence;
        Changed(sequence);
    }

    /// <summary>Ends the worker's hand-out of the batch, if it has one open; a copy that counts stays a late copy.</summary>
    public void Ended(long index, TWorker worker, BatchOutcome outcome, DateTime now)
    {
        if (!_open.Remove((index, worker), out var sequence))
        {
            return;
        }

        ref var entry = ref _ring[sequence % Capacity];
        var kept = outcome == BatchOutcome.Counted && entry.Outcome == BatchOutcome.LateCopy ? BatchOutcome.LateCopy : outcome;
        entry = entry with { FinishedAt = now, Outcome = kept };
        Changed(sequence);
    }

    /// <summary>Ends every open hand-out of the worker (<paramref name="worker"/> null: of every worker).</summary>
    public void EndAll(TWorker? worker, BatchOutcome outcome, DateTime now)
    {
        foreach (var key in _open.Keys.Where(k => worker is null || k.Worker.Equals(worker)).ToList())
        {
            Ended(key.Index, key.Worker, outcome, now);
        }
    }

    /// <summary>Every entry kept, oldest first.</summary>
    public IReadOnlyList<T> Snapshot<T>(Func<HandOut, T> select)
    {
        var first = Math.Max(0, _written - Capacity);
        var all = new List<T>((int)(_written - first));
        for (var sequence = first; sequence < _written; sequence++)
        {
            all.Add(select(_ring[sequence % Capacity].HandOut));
        }

        _changed.Clear();
        return all;
    }

    /// <summary>The entries changed since the last call (or snapshot) that are still kept, oldest first.</summary>
    public IReadOnlyList<T> TakeChanges<T>(Func<HandOut, T> select)
    {
        var first = _written - Capacity;
        var changed = _changed.Where(s => s >= first).Select(s => select(_ring[s % Capacity].HandOut)).ToList();
        _changed.Clear();
        return changed;
    }

    private void Changed(long sequence)
    {
        if (Tracking)
        {
            _changed.Add(sequence);
        }
    }

    public readonly record struct HandOut(long Index, TWorker Worker, DateTime HandedOutAt, DateTime? FinishedAt, BatchOutcome Outcome);

    private record struct Entry(long Sequence, long Index, TWorker Worker, DateTime HandedOutAt, DateTime? FinishedAt, BatchOutcome Outcome)
    {
        public readonly HandOut HandOut => new(Index, Worker, HandedOutAt, FinishedAt, Outcome);
    }
}
