using System.Diagnostics.CodeAnalysis;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// Which batches of a job are waiting, out with which worker, and done: every batch is counted exactly once, however
/// often it is handed out, handed back or reported. Memory grows with the batches out of order, not with the plan.
/// At the end of a job a batch out with one worker may be copied to an idle one, so that a slow or busy worker does not
/// hold the whole job back; whichever reports it first counts it.
/// </summary>
/// <typeparam name="TWorker">Whoever holds a batch.</typeparam>
public sealed class BatchLedger<TWorker>(long count)
    where TWorker : notnull
{
    private readonly Queue<long> _returned = new();
    private readonly Dictionary<long, TWorker> _out = [];
    private readonly Dictionary<long, TWorker> _copies = [];
    private readonly Dictionary<TWorker, HashSet<long>> _byWorker = [];
    private readonly HashSet<long> _doneAboveMark = [];
    private readonly Dictionary<long, int> _failures = [];
    private long _nextFresh;

    /// <summary>Every batch below this index is done.</summary>
    private long _doneMark;

    public long Count { get; } = count;

    public long Done { get; private set; }

    public bool AllDone => Done == Count;

    /// <summary>Batches waiting for a worker: handed back ones first, then ones never handed out.</summary>
    public bool HasWaiting => _returned.Any(i => !IsDone(i) && !_out.ContainsKey(i)) || _nextFresh < Count;

    /// <summary>Roughly how many batches wait: exact but for handed-back ones since reported by their first worker.</summary>
    public long WaitingEstimate => Count - _nextFresh + _returned.Count;

    public int OutCount => _out.Count;

    public IEnumerable<TWorker> Holders => _byWorker.Keys;

    public int HeldBy(TWorker worker) => _byWorker.TryGetValue(worker, out var held) ? held.Count : 0;

    /// <summary>The other batches held by the worker <paramref name="index"/> was handed out to first.</summary>
    public IEnumerable<long> HeldAlongside(long index) =>
        _out.TryGetValue(index, out var holder) && _byWorker.TryGetValue(holder, out var held) ? held.Where(i => i != index) : [];

    /// <summary>
    /// A ledger that takes up where a checkpoint left off: the batches in <paramref name="done"/> are done, and every
    /// other batch waits, the ones below the last done batch first (they were out with workers when it was taken).
    /// </summary>
    public static BatchLedger<TWorker> Resume(long count, IReadOnlyList<BatchSpan> done)
    {
        ArgumentNullException.ThrowIfNull(done);
        var ledger = new BatchLedger<TWorker>(count);
        long next = 0;
        foreach (var span in done)
        {
            if (span.First < next || span.Last < span.First || span.Last >= count)
            {
                throw new ArgumentException($"done batches must be ascending, disjoint spans below {count}; {span} is not", nameof(done));
            }

            for (var gap = next; gap < span.First; gap++)
            {
                ledger._returned.Enqueue(gap);
            }

            if (span.First == ledger._doneMark)
            {
                ledger._doneMark = span.Last + 1;
            }
            else
            {
                for (var index = span.First; index <= span.Last; index++)
                {
                    ledger._doneAboveMark.Add(index);
                }
            }

            ledger.Done += span.Count;
            next = span.Last + 1;
        }

        ledger._nextFresh = next;
        return ledger;
    }

    /// <summary>The done batches as ascending, disjoint spans: what a checkpoint records.</summary>
    public IReadOnlyList<BatchSpan> DoneSpans()
    {
        var spans = new List<BatchSpan>();
        if (_doneMark > 0)
        {
            spans.Add(new BatchSpan(0, _doneMark - 1));
        }

        foreach (var index in _doneAboveMark.Order())
        {
            if (spans.Count > 0 && spans[^1].Last == index - 1)
            {
                spans[^1] = spans[^1] with { Last = index };
            }
            else
            {
                spans.Add(new BatchSpan(index, index));
            }
        }

        return spans;
    }

    /// <summary>Hands up to <paramref name="max"/> waiting batches to <paramref name="worker"/>.</summary>
    public IReadOnlyList<long> Take(TWorker worker, int max)
    {
        var taken = new List<long>(Math.Min(max, 16));
        while (taken.Count < max && _returned.TryDequeue(out var index))
        {
            if (!IsDone(index) && !_out.ContainsKey(index))
            {
                taken.Add(index);
            }
        }

        while (taken.Count < max && _nextFresh < Count)
        {
            taken.Add(_nextFresh++);
        }

        foreach (var index in taken)
        {
            _out[index] = worker;
            Hold(worker, index);
        }

        return taken;
    }

    /// <summary>
    /// When nothing waits: hands <paramref name="worker"/> a copy of the batch out last with another worker among those
    /// <paramref name="overdue"/> says are late, the one likely to finish last; each batch is copied once at most.
    /// Null when there is none to copy.
    /// </summary>
    public long? TakeCopy(TWorker worker, Func<long, bool> overdue)
    {
        ArgumentNullException.ThrowIfNull(overdue);
        long? latest = null;
        foreach (var (index, holder) in _out)
        {
            if (index > (latest ?? -1) && !_copies.ContainsKey(index) && !holder.Equals(worker) && overdue(index))
            {
                latest = index;
            }
        }

        if (latest is { } copied)
        {
            _copies[copied] = worker;
            Hold(worker, copied);
        }

        return latest;
    }

    /// <summary>
    /// Whether a batch is raced, a copy of it out with a second worker; if so, <paramref name="rival"/> is the holder
    /// other than <paramref name="worker"/>.
    /// </summary>
    public bool IsRaced(long index, TWorker worker, [MaybeNullWhen(false)] out TWorker rival)
    {
        if (_copies.TryGetValue(index, out var copy) && _out.TryGetValue(index, out var holder))
        {
            rival = holder.Equals(worker) ? copy : holder;
            return true;
        }

        rival = default;
        return false;
    }

    /// <summary>Records a result; true only the first time a batch is reported, whoever reports it.</summary>
    public bool Complete(long index)
    {
        if (index < 0 || index >= Count || IsDone(index))
        {
            return false;
        }

        Release(index);
        _failures.Remove(index);
        _doneAboveMark.Add(index);
        while (_doneAboveMark.Remove(_doneMark))
        {
            _doneMark++;
        }

        Done++;
        return true;
    }

    /// <summary>
    /// Takes a batch back from <paramref name="worker"/>, which failed to count it; returns how often it has failed so
    /// far.
    /// </summary>
    public int Fail(long index, TWorker worker)
    {
        var failures = _failures.GetValueOrDefault(index) + 1;
        _failures[index] = failures;
        Return(index, worker);
        return failures;
    }

    /// <summary>
    /// Takes a batch back from <paramref name="worker"/>: it waits again unless it is done or another worker still
    /// has a copy. A batch that worker no longer holds stays as it is.
    /// </summary>
    public void Return(long index, TWorker worker)
    {
        if (index < 0 || index >= Count || IsDone(index))
        {
            return;
        }

        if (_copies.TryGetValue(index, out var copy) && copy.Equals(worker))
        {
            _copies.Remove(index);
            Unhold(worker, index);
        }
        else if (_out.TryGetValue(index, out var holder) && holder.Equals(worker))
        {
            Unhold(worker, index);
            if (_copies.Remove(index, out var other))
            {
                _out[index] = other;
            }
            else
            {
                _out.Remove(index);
                _returned.Enqueue(index);
            }
        }
    }

    /// <summary>
    /// Everything a lost worker held goes back to the queue, or stays with the worker racing a copy of it; returns how
    /// many batches that was.
    /// </summary>
    public int ReturnAllHeldBy(TWorker worker)
    {
        if (!_byWorker.TryGetValue(worker, out var held))
        {
            return 0;
        }

        var indices = held.ToList();
        foreach (var index in indices)
        {
            Return(index, worker);
        }

        return indices.Count;
    }

    private bool IsDone(long index) => index < _doneMark || _doneAboveMark.Contains(index);

    /// <summary>A batch is done: nobody holds it any more.</summary>
    private void Release(long index)
    {
        if (_out.Remove(index, out var worker))
        {
            Unhold(worker, index);
        }

        if (_copies.Remove(index, out var copy))
        {
            Unhold(copy, index);
        }
    }

    private void Hold(TWorker worker, long index)
    {
        if (!_byWorker.TryGetValue(worker, out var held))
        {
            _byWorker[worker] = held = [];
        }

        held.Add(index);
    }

    private void Unhold(TWorker worker, long index)
    {
        if (_byWorker.TryGetValue(worker, out var held))
        {
            held.Remove(index);
            if (held.Count == 0)
            {
                _byWorker.Remove(worker);
            }
        }
    }
}
