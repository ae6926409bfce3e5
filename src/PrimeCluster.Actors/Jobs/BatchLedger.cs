using System.Diagnostics.CodeAnalysis;
using PrimeCluster.Core;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// Which batches of a job are waiting, out with which worker, reported but not yet trusted, and done: every batch is
/// counted exactly once, however often it is handed out, handed back or reported. Memory grows with the batches out of
/// order, not with the plan. At the end of a job a batch out with one worker may be copied to an idle one, so that a
/// slow or busy worker does not hold the whole job back.
/// </summary>
/// <remarks>
/// A reported tally is a claim, taken only from a worker that holds the batch (it was handed the batch or a copy of
/// it), and checked as the caller says (<see cref="TallyCheck"/>): counted as it is, held until the caller has
/// computed the true tally, or held until another worker reports the same. A worker whose claim proves wrong is
/// excluded: it gets no more batches, what it holds waits again, what it reports is ignored, and the batches counted
/// from its tallies unchecked are done no more and wait to be counted again. A wrong claim never counts, whoever
/// reports first, and no tally of an excluded worker stays counted.
/// </remarks>
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
    private readonly HashSet<TWorker> _excluded = [];
    private readonly Dictionary<long, ClaimState> _claims = [];

    /// <summary>Done batches below the done mark that were reopened: rare, so the mark stays where it is.</summary>
    private readonly HashSet<long> _reopenedBelowMark = [];

    /// <summary>What each worker had counted unchecked: taken back if it is excluded.</summary>
    private readonly Dictionary<TWorker, CountedUnchecked> _countedUnchecked = [];

    /// <summary>Batches whose claim waits for a second opinion, by the worker that claimed it: any other may give it.</summary>
    private readonly Dictionary<TWorker, Queue<long>> _secondOpinions = [];
    private long _nextFresh;

    /// <summary>Every batch below this index is done, but those in <see cref="_reopenedBelowMark"/>.</summary>
    private long _doneMark;

    public long Count { get; } = count;

    public long Done { get; private set; }

    public bool AllDone => Done == Count;

    /// <summary>Batches waiting for a worker: ones never handed out, handed back ones, or claims awaiting a second opinion.</summary>
    public bool HasWaiting =>
        _nextFresh < Count
        || _returned.Any(IsWaiting)
        || _secondOpinions.Values.Any(queue => queue.Any(i => AwaitsSecondOpinion(i) && !IsHeld(i)));

    /// <summary>Roughly how many batches wait: exact but for handed-back ones since reported by their first worker.</summary>
    public long WaitingEstimate => Count - _nextFresh + _returned.Count + _secondOpinions.Values.Sum(queue => queue.Count);

    public int OutCount => _out.Count;

    public IEnumerable<TWorker> Holders => _byWorker.Keys;

    /// <summary>The workers excluded for a wrong claim.</summary>
    public IReadOnlyCollection<TWorker> Excluded => _excluded;

    public int HeldBy(TWorker worker) => _byWorker.TryGetValue(worker, out var held) ? held.Count : 0;

    public bool IsExcluded(TWorker worker) => _excluded.Contains(worker);

    /// <summary>
    /// Whether <paramref name="worker"/> holds the batch: it was handed the batch, or a copy of it, and has not reported
    /// it, handed it back or been taken it from since.
    /// </summary>
    public bool Holds(long index, TWorker worker) =>
        (_out.TryGetValue(index, out var holder) && holder.Equals(worker)) || (_copies.TryGetValue(index, out var copy) && copy.Equals(worker));

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
        long first = 0;
        foreach (var reopened in _reopenedBelowMark.Order())
        {
            if (reopened > first)
            {
                spans.Add(new BatchSpan(first, reopened - 1));
            }

            first = reopened + 1;
        }

        if (_doneMark > first)
        {
            spans.Add(new BatchSpan(first, _doneMark - 1));
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

    /// <summary>
    /// Hands up to <paramref name="max"/> waiting batches to <paramref name="worker"/>: first batches whose claim by
    /// another worker waits for a second opinion (computed, not yet counted), then handed back ones, then fresh ones.
    /// An excluded worker gets none.
    /// </summary>
    public IReadOnlyList<long> Take(TWorker worker, int max)
    {
        var taken = new List<long>(Math.Min(max, 16));
        if (_excluded.Contains(worker))
        {
            return taken;
        }

        foreach (var (claimant, queue) in _secondOpinions)
        {
            while (!claimant.Equals(worker) && taken.Count < max && queue.TryDequeue(out var index))
            {
                if (AwaitsSecondOpinion(index) && !IsHeld(index) && !HasClaimed(index, worker))
                {
                    taken.Add(index);
                }
            }
        }

        foreach (var emptied in _secondOpinions.Where(p => p.Value.Count == 0).Select(p => p.Key).ToList())
        {
            _secondOpinions.Remove(emptied);
        }

        while (taken.Count < max && _returned.TryDequeue(out var index))
        {
            if (IsWaiting(index))
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
        if (_excluded.Contains(worker))
        {
            return null;
        }

        long? latest = null;
        foreach (var (index, holder) in _out)
        {
            if (index > (latest ?? -1) && !_copies.ContainsKey(index) && !holder.Equals(worker) && !HasClaimed(index, worker) && overdue(index))
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
        _claims.Remove(index);
        if (!_reopenedBelowMark.Remove(index))
        {
            _doneAboveMark.Add(index);
            while (_doneAboveMark.Remove(_doneMark))
            {
                _doneMark++;
            }
        }

        Done++;
        return true;
    }

    /// <summary>
    /// Takes a batch back from <paramref name="worker"/>, which failed to count it; returns how often it has failed so
    /// far. A worker that does not hold the batch cannot fail it: 0, and nothing changes.
    /// </summary>
    public int Fail(long index, TWorker worker)
    {
        if (!Holds(index, worker))
        {
            return 0;
        }

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
        if (index < 0 || index >= Count || IsDone(index) || !_byWorker.TryGetValue(worker, out var held) || !held.Contains(index))
        {
            return;
        }

        LetGo(index, worker);
        if (!IsHeld(index))
        {
            Requeue(index);
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

    /// <summary>
    /// Records <paramref name="worker"/>'s tally of a batch it holds, checked as <paramref name="check"/> says if it is
    /// the batch's first claim. The worker holds the batch no more. A claim that differs from a second opinion is held
    /// for verification; one that differs from a true tally already known is <see cref="ReportOutcome.Wrong"/>.
    /// </summary>
    public Reported Report(long index, TWorker worker, Tally tally, TallyCheck check)
    {
        if (_excluded.Contains(worker) || (index >= 0 && index < Count && (IsDone(index) || HasClaimed(index, worker))))
        {
            return new Reported(ReportOutcome.Ignored, tally, []);
        }

        // A worker may claim only what it was handed: a node that lies must not count batches it was never given. A
        // worker thought lost, whose batches went back to the queue, holds them no more either: its result arriving
        // late is ignored and the batch is counted again, from whoever holds it now or takes it next.
        if (!Holds(index, worker))
        {
            return new Reported(ReportOutcome.NotHeld, tally, []);
        }

        if (_claims.TryGetValue(index, out var state) && state.Truth is { } truth)
        {
            if (tally == truth)
            {
                return Accept(index, worker, tally);
            }

            LetGo(index, worker);
            if (!IsHeld(index))
            {
                Requeue(index);
            }

            return new Reported(ReportOutcome.Wrong, truth, []);
        }

        var claim = new Claim(worker, tally);
        if (state is { Claims.Count: > 0 })
        {
            LetGo(index, worker);
            if (!state.Verifying && state.Claims[0].Tally == tally)
            {
                return Accept(index, worker, tally);
            }

            state.Claims.Add(claim);
            var verify = !state.Verifying;
            state.Verifying = true;
            return new Reported(verify ? ReportOutcome.Verify : ReportOutcome.Held, tally, []);
        }

        if (check == TallyCheck.None)
        {
            if (!_countedUnchecked.TryGetValue(worker, out var counted))
            {
                _countedUnchecked[worker] = counted = new CountedUnchecked();
            }

            counted.Add(index, tally);
            return Accept(index, worker, tally);
        }

        LetGo(index, worker);
        state = new ClaimState { Claims = { claim } };
        _claims[index] = state;

        // A batch another worker still holds (a raced copy) is verified at once: that worker may be slow or cut off.
        if (check == TallyCheck.Verify || IsHeld(index))
        {
            state.Verifying = true;
            return new Reported(ReportOutcome.Verify, tally, []);
        }

        SecondOpinionsFor(worker).Enqueue(index);
        return new Reported(ReportOutcome.Held, tally, []);
    }

    /// <summary>
    /// Judges the claims of a batch held for verification by its true tally: a claim that matches counts, the others
    /// are wrong. With no claim right the batch waits again, and any later claim is judged at once.
    /// </summary>
    public Settled Settle(long index, Tally truth)
    {
        if (!_claims.TryGetValue(index, out var state) || !state.Verifying)
        {
            return new Settled(false, [], []);
        }

        var wrong = state.Claims.Where(c => c.Tally != truth).ToList();
        var right = state.Claims.FirstOrDefault(c => c.Tally == truth);
        state.Claims.Clear();
        state.Verifying = false;
        if (right is not null)
        {
            var others = HoldersOf(index).ToList();
            Complete(index);
            return new Settled(true, wrong, others, right);
        }

        state.Truth = truth;
        if (!IsHeld(index))
        {
            Requeue(index);
        }

        return new Settled(false, wrong, []);
    }

    /// <summary>
    /// The claims of <paramref name="worker"/> waiting for a second opinion that no other worker has taken: they are
    /// held for verification from now on, for the caller to compute, there being no other worker to give one.
    /// </summary>
    public IReadOnlyList<long> TakeForVerification(TWorker worker)
    {
        if (!_secondOpinions.Remove(worker, out var queue))
        {
            return [];
        }

        var indices = queue.Distinct().Where(i => AwaitsSecondOpinion(i) && !IsHeld(i) && HasClaimed(i, worker)).ToList();
        foreach (var index in indices)
        {
            _claims[index].Verifying = true;
        }

        return indices;
    }

    /// <summary>
    /// A worker that claimed a wrong tally: it gets no more batches, what it holds waits again (or stays with a worker
    /// racing a copy), its claims not yet counted are void, and the batches counted from its tallies unchecked are done
    /// no more: they wait to be counted again, and the caller takes their sum out of the job's.
    /// </summary>
    public Exclusion Exclude(TWorker worker)
    {
        if (!_excluded.Add(worker))
        {
            return Exclusion.None;
        }

        var affected = ReturnAllHeldBy(worker);
        var voided = new List<long>();
        foreach (var (index, state) in _claims)
        {
            if (state.Claims.RemoveAll(c => c.Worker.Equals(worker)) > 0)
            {
                affected++;

                // Its claim waited for a second opinion: the batch is as if never reported.
                if (state.Claims.Count == 0 && !state.Verifying)
                {
                    voided.Add(index);
                }
            }
        }

        foreach (var index in voided)
        {
            _claims.Remove(index);
            if (!IsHeld(index))
            {
                Requeue(index);
            }
        }

        _secondOpinions.Remove(worker);
        if (!_countedUnchecked.Remove(worker, out var counted))
        {
            return new Exclusion(affected, 0, Tally.Zero);
        }

        foreach (var span in counted.Spans)
        {
            for (var index = span.First; index <= span.Last; index++)
            {
                Reopen(index);
            }
        }

        return new Exclusion(affected, counted.Batches, counted.Sum);
    }

    /// <summary>A done batch is done no more: it waits in line again.</summary>
    private void Reopen(long index)
    {
        if (!_doneAboveMark.Remove(index))
        {
            _reopenedBelowMark.Add(index);
        }

        Done--;
        _returned.Enqueue(index);
    }

    private Reported Accept(long index, TWorker worker, Tally tally)
    {
        var others = HoldersOf(index).Where(holder => !holder.Equals(worker)).ToList();
        Complete(index);
        return new Reported(ReportOutcome.Counted, tally, others);
    }

    private IEnumerable<TWorker> HoldersOf(long index)
    {
        if (_out.TryGetValue(index, out var holder))
        {
            yield return holder;
        }

        if (_copies.TryGetValue(index, out var copy))
        {
            yield return copy;
        }
    }

    /// <summary><paramref name="worker"/> holds the batch no more, nor its copy; nothing else changes.</summary>
    private void LetGo(long index, TWorker worker)
    {
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
            }
        }
    }

    /// <summary>A batch nobody holds waits again: for a second opinion if a claim waits for one, else in line.</summary>
    private void Requeue(long index)
    {
        if (_claims.TryGetValue(index, out var state) && state.Claims.Count > 0)
        {
            if (!state.Verifying)
            {
                SecondOpinionsFor(state.Claims[0].Worker).Enqueue(index);
            }
        }
        else
        {
            _returned.Enqueue(index);
        }
    }

    private Queue<long> SecondOpinionsFor(TWorker claimant)
    {
        if (!_secondOpinions.TryGetValue(claimant, out var queue))
        {
            _secondOpinions[claimant] = queue = new Queue<long>();
        }

        return queue;
    }

    private bool IsHeld(long index) => _out.ContainsKey(index);

    /// <summary>Handed back, not done, out or claimed.</summary>
    private bool IsWaiting(long index) => !IsDone(index) && !IsHeld(index) && !(_claims.TryGetValue(index, out var state) && state.Claims.Count > 0);

    private bool AwaitsSecondOpinion(long index) => _claims.TryGetValue(index, out var state) && state.Claims.Count > 0 && !state.Verifying;

    private bool HasClaimed(long index, TWorker worker) => _claims.TryGetValue(index, out var state) && state.Claims.Exists(c => c.Worker.Equals(worker));

    private bool IsDone(long index) =>
        index < _doneMark ? _reopenedBelowMark.Count == 0 || !_reopenedBelowMark.Contains(index) : _doneAboveMark.Contains(index);

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

    /// <summary>A worker's tally of a batch, not yet counted.</summary>
    public sealed record Claim(TWorker Worker, Tally Tally);

    /// <param name="Outcome">What became of the claim.</param>
    /// <param name="Tally">Counted: the tally counted. Wrong: the batch's true tally.</param>
    /// <param name="Others">Counted: the other workers holding the batch, whose work is no longer needed.</param>
    public sealed record Reported(ReportOutcome Outcome, Tally Tally, IReadOnlyList<TWorker> Others);

    /// <param name="WaitAgain">Batches the worker held or had claimed, not yet counted, that wait again.</param>
    /// <param name="Reopened">Batches counted from its tallies unchecked, done no more.</param>
    /// <param name="Uncounted">Their sum, to take out of the job's.</param>
    public sealed record Exclusion(int WaitAgain, long Reopened, Tally Uncounted)
    {
        /// <summary>The worker was excluded already.</summary>
        public static readonly Exclusion None = new(0, 0, Tally.Zero);
    }

    /// <param name="Counted">A claim matched the true tally and the batch counts.</param>
    /// <param name="Wrong">The claims that did not.</param>
    /// <param name="Others">Counted: the workers still holding the batch, whose work is no longer needed.</param>
    /// <param name="Right">Counted: the claim that counts, the first that matched.</param>
    public sealed record Settled(bool Counted, IReadOnlyList<Claim> Wrong, IReadOnlyList<TWorker> Others, Claim? Right = null);

    /// <summary>
    /// The batches one worker's tallies were counted unchecked for, as spans (a worker is handed runs of consecutive
    /// batches and reports them in order, so a span usually stands for several), and the sum of those tallies.
    /// </summary>
    private sealed class CountedUnchecked
    {
        public List<BatchSpan> Spans { get; } = [];

        public long Batches { get; private set; }

        public Tally Sum { get; private set; }

        public void Add(long index, Tally tally)
        {
            if (Spans.Count > 0 && Spans[^1].Last == index - 1)
            {
                Spans[^1] = Spans[^1] with { Last = index };
            }
            else
            {
                Spans.Add(new BatchSpan(index, index));
            }

            Batches++;
            Sum += tally;
        }
    }

    private sealed class ClaimState
    {
        /// <summary>Claims held: one waiting for a second opinion, or any number waiting for the true tally.</summary>
        public List<Claim> Claims { get; } = [];

        /// <summary>The caller is computing the true tally.</summary>
        public bool Verifying { get; set; }

        /// <summary>Known once a verification found no claim right: later claims are judged by it at once.</summary>
        public Tally? Truth { get; set; }
    }
}

/// <summary>How a batch's first reported tally is checked before it counts.</summary>
public enum TallyCheck
{
    /// <summary>It counts as reported.</summary>
    None,

    /// <summary>It waits for the batch's true tally, which the caller computes.</summary>
    Verify,

    /// <summary>It waits for another worker to report the batch: two that agree count, two that differ are verified.</summary>
    SecondOpinion,
}

/// <summary>What became of a reported tally.</summary>
public enum ReportOutcome
{
    /// <summary>Nothing: the batch is done, the worker excluded, or the worker reported the batch already.</summary>
    Ignored,

    /// <summary>Nothing: the worker does not hold the batch (it was never handed it, or it went back to the queue).</summary>
    NotHeld,

    /// <summary>It counts.</summary>
    Counted,

    /// <summary>Held until a second opinion or a verification already under way.</summary>
    Held,

    /// <summary>Held; the caller computes the batch's true tally and settles it.</summary>
    Verify,

    /// <summary>It differs from the batch's true tally, known already.</summary>
    Wrong,
}
