using System.Diagnostics.CodeAnalysis;
using PrimeCluster.Core;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// Where each batch of a job stands (<see cref="BatchState"/>: waiting, out, raced, claimed, verifying, done) and who
/// holds it since when: every batch is counted exactly once, however often it is handed out, handed back or reported.
/// Memory grows with the batches in play and those done out of order, not with the plan. At the end of a job a batch
/// out with one worker may be copied to an idle one, so that a slow or busy worker does not hold the whole job back.
/// </summary>
/// <remarks>
/// <para>
/// As dask's scheduler keeps a state per task, the ledger keeps one per batch in play, changed only by its transitions
/// (<see cref="Take"/>, <see cref="TakeCopy"/>, <see cref="Report"/>, <see cref="Settle"/>, <see cref="Fail"/>,
/// <see cref="Return"/>, <see cref="Exclude"/> ...), and a <see cref="HandOut{TWorker}"/> per batch handed to a worker:
/// the one record of who holds what since when, which its observers (the job's timeline, its speculation) are told of.
/// </para>
/// <para>
/// A reported tally is a claim, taken only from a worker that holds the batch, and checked as the caller says
/// (<see cref="TallyCheck"/>): counted as it is, pending until the caller has computed the true tally, or pending
/// until another worker reports the same. A worker whose claim proves wrong is excluded: it gets no more batches, what it
/// holds waits again, what it reports is ignored, and the batches counted from its tallies unchecked are done no more
/// and wait to be counted again. A wrong claim never counts, whoever reports first, and no tally of an excluded worker
/// stays counted. A worker excluded on another's account can be readmitted (<see cref="Readmit"/>); one whose own
/// claim proved wrong cannot.
/// </para>
/// </remarks>
/// <typeparam name="TWorker">Whoever holds a batch.</typeparam>
public sealed class BatchLedger<TWorker>
    where TWorker : notnull
{
    private readonly TimeProvider _time;
    private readonly DoneSet _done = new();
    private readonly ClaimBook<TWorker> _claims = new();

    /// <summary>
    /// The batches in play: out, raced, claimed, verifying, or waiting with something to remember (failures, the true
    /// tally). A batch never handed out, or handed back with nothing to remember, waits without an entry.
    /// </summary>
    private readonly Dictionary<long, Batch> _inPlay = [];

    /// <summary>Batches that became waiting, in that order; one that has left that state since is skipped.</summary>
    private readonly Queue<long> _waiting = new();

    /// <summary>Claimed batches nobody holds, by the worker that claimed them: any other may give the second opinion.</summary>
    private readonly Dictionary<TWorker, Queue<long>> _secondOpinions = [];

    /// <summary>What each worker holds.</summary>
    private readonly Dictionary<TWorker, HashSet<HandOut<TWorker>>> _held = [];
    private readonly HashSet<TWorker> _excluded = [];

    /// <summary>Workers whose own claim this ledger judged wrong: never readmitted.</summary>
    private readonly HashSet<TWorker> _wrong = [];
    private readonly List<IHandOutObserver<TWorker>> _observers = [];

    /// <summary>Batches handed out before and waiting again.</summary>
    private long _waitingAgain;

    /// <summary>Every batch from this one on has never been handed out.</summary>
    private long _nextFresh;
    private long _handOuts;

    /// <param name="time">The clock hand-outs are timed by; the system's unless given.</param>
    public BatchLedger(long count, TimeProvider? time = null)
    {
        Count = count;
        _time = time ?? TimeProvider.System;
    }

    public long Count { get; }

    public long Done => _done.Count;

    public bool AllDone => Done == Count;

    /// <summary>Goes up whenever a batch becomes done or done no more: the done batches changed since it was read.</summary>
    public long DoneVersion => _done.Version;

    /// <summary>Batches waiting for a worker: ones never handed out, handed back ones, or claims awaiting a second opinion.</summary>
    public bool HasWaiting =>
        _nextFresh < Count
        || _waitingAgain > 0
        || _secondOpinions.Values.Any(queue => queue.Any(AwaitsSecondOpinion));

    /// <summary>Roughly how many batches wait: exact but for second opinions given since they were asked.</summary>
    public long WaitingEstimate => Count - _nextFresh + _waitingAgain + _secondOpinions.Values.Sum(queue => queue.Count);

    /// <summary>The workers that hold batches.</summary>
    public IEnumerable<TWorker> Holders => _held.Keys;

    /// <summary>The workers excluded for a wrong claim.</summary>
    public IReadOnlyCollection<TWorker> Excluded => _excluded;

    public int HeldBy(TWorker worker) => _held.TryGetValue(worker, out var held) ? held.Count : 0;

    /// <summary>The hand-outs the worker holds.</summary>
    public IReadOnlyCollection<HandOut<TWorker>> HandOutsOf(TWorker worker) => _held.TryGetValue(worker, out var held) ? held : [];

    public bool IsExcluded(TWorker worker) => _excluded.Contains(worker);

    public BatchState StateOf(long index) =>
        _done.Contains(index) ? BatchState.Done
        : _inPlay.TryGetValue(index, out var batch) ? batch.State
        : BatchState.Waiting;

    /// <summary>How many batches are in the state.</summary>
    public long CountOf(BatchState state) => state switch
    {
        BatchState.Done => Done,
        BatchState.Waiting => Count - _nextFresh + _waitingAgain,
        _ => _inPlay.Values.Count(b => b.State == state),
    };

    /// <summary>From now on the observer is told of every hand-out and its end.</summary>
    public void Observe(IHandOutObserver<TWorker> observer) => _observers.Add(observer);

    /// <summary>
    /// A ledger that takes up where a checkpoint left off: the batches in <paramref name="done"/> are done, and every
    /// other batch waits, the ones below the last done batch first (they were out with workers when it was taken).
    /// </summary>
    public static BatchLedger<TWorker> Resume(long count, IReadOnlyList<BatchSpan> done, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(done);
        var ledger = new BatchLedger<TWorker>(count, time);
        long next = 0;
        foreach (var span in done)
        {
            if (span.First < next || span.Last < span.First || span.Last >= count)
            {
                throw new ArgumentException($"done batches must be ascending, disjoint spans below {count}; {span} is not", nameof(done));
            }

            for (var gap = next; gap < span.First; gap++)
            {
                ledger.WaitAgain(gap);
            }

            ledger._done.AddAbove(span);
            next = span.Last + 1;
        }

        ledger._nextFresh = next;
        return ledger;
    }

    /// <summary>The done batches as ascending, disjoint spans: what a checkpoint records.</summary>
    public IReadOnlyList<BatchSpan> DoneSpans() => _done.Spans();

    /// <summary>
    /// Hands up to <paramref name="max"/> waiting batches to <paramref name="worker"/>: first batches whose claim by
    /// another worker waits for a second opinion (computed, not yet counted), then handed back ones, then fresh ones.
    /// An excluded worker gets none.
    /// </summary>
    public IReadOnlyList<HandOut<TWorker>> Take(TWorker worker, int max)
    {
        var taken = new List<HandOut<TWorker>>(Math.Clamp(max, 0, 16));
        if (_excluded.Contains(worker))
        {
            return taken;
        }

        var (timestamp, now) = (_time.GetTimestamp(), _time.GetUtcNow());
        foreach (var (claimant, queue) in _secondOpinions)
        {
            while (!claimant.Equals(worker) && taken.Count < max && queue.TryDequeue(out var index))
            {
                if (AwaitsSecondOpinion(index) && !_claims.HasClaimed(index, worker))
                {
                    taken.Add(HandOutTo(_inPlay[index], worker, races: null, timestamp, now));
                }
            }
        }

        foreach (var emptied in _secondOpinions.Where(p => p.Value.Count == 0).Select(p => p.Key).ToList())
        {
            _secondOpinions.Remove(emptied);
        }

        while (taken.Count < max && _waiting.TryDequeue(out var again))
        {
            if (IsWaitingAgain(again))
            {
                _waitingAgain--;
                taken.Add(HandOutTo(InPlay(again), worker, races: null, timestamp, now));
            }
        }

        while (taken.Count < max && _nextFresh < Count)
        {
            var index = _nextFresh++;
            if (!_done.Contains(index))
            {
                taken.Add(HandOutTo(InPlay(index), worker, races: null, timestamp, now));
            }
        }

        return taken;
    }

    /// <summary>
    /// When nothing waits: hands <paramref name="worker"/> a copy of the batch out last with another worker among those
    /// whose hand-out <paramref name="late"/> says is late, the one likely to finish last; each batch is copied once at
    /// most. The batch is raced from then on. Null when there is none to copy.
    /// </summary>
    public HandOut<TWorker>? TakeCopy(TWorker worker, Func<HandOut<TWorker>, bool> late)
    {
        ArgumentNullException.ThrowIfNull(late);
        if (_excluded.Contains(worker))
        {
            return null;
        }

        Batch? latest = null;
        foreach (var batch in _inPlay.Values)
        {
            if (batch is { First: { } first, Copy: null }
                && batch.Index > (latest?.Index ?? -1)
                && !first.Worker.Equals(worker)
                && !_claims.HasClaimed(batch.Index, worker)
                && late(first))
            {
                latest = batch;
            }
        }

        if (latest?.First is not { } original)
        {
            return null;
        }

        original.Raced = true;
        return HandOutTo(latest, worker, original, _time.GetTimestamp(), _time.GetUtcNow());
    }

    /// <summary>Records a result; true only the first time a batch is reported, whoever reports it.</summary>
    public bool Complete(long index)
    {
        if (index < 0 || index >= Count || _done.Contains(index))
        {
            return false;
        }

        if (_inPlay.TryGetValue(index, out var batch))
        {
            Finish(batch);
        }
        else
        {
            // Waiting: never handed out, or handed back with nothing to remember.
            _waitingAgain -= index < _nextFresh ? 1 : 0;
            _done.Add(index);
        }

        return true;
    }

    /// <summary>
    /// Takes a batch back from <paramref name="worker"/>, which failed to count it; returns how often it has failed so
    /// far. A worker that does not hold the batch cannot fail it: 0, and nothing changes.
    /// </summary>
    public int Fail(long index, TWorker worker)
    {
        if (!HandOutOf(index, worker, out var batch, out var handOut))
        {
            return 0;
        }

        batch.Failures++;
        LetGo(handOut, BatchOutcome.Failed);
        Rest(batch);
        return batch.Failures;
    }

    /// <summary>
    /// Takes a batch back from <paramref name="worker"/>: it waits again unless another worker still has a copy. A
    /// batch that worker does not hold stays as it is.
    /// </summary>
    public void Return(long index, TWorker worker)
    {
        if (HandOutOf(index, worker, out var batch, out var handOut))
        {
            LetGo(handOut, BatchOutcome.HandedBack);
            Rest(batch);
        }
    }

    /// <summary>
    /// Everything a lost worker held goes back to the queue, in the order it was handed out, or stays with the worker
    /// racing a copy of it; returns how many batches that was.
    /// </summary>
    public int ReturnAllHeldBy(TWorker worker)
    {
        if (!_held.TryGetValue(worker, out var held))
        {
            return 0;
        }

        var handOuts = held.OrderBy(h => h.Sequence).ToList();
        foreach (var handOut in handOuts)
        {
            Return(handOut.Index, worker);
        }

        return handOuts.Count;
    }

    /// <summary>
    /// Records <paramref name="worker"/>'s tally of a batch it holds, checked as <paramref name="check"/> says if it is
    /// the batch's first claim. The worker holds the batch no more. A claim that differs from a second opinion goes
    /// to verification; one that differs from a true tally already known is <see cref="ReportOutcome.Wrong"/>.
    /// </summary>
    public Reported Report(long index, TWorker worker, Tally tally, TallyCheck check)
    {
        if (_excluded.Contains(worker) || _done.Contains(index) || _claims.HasClaimed(index, worker))
        {
            return new Reported(ReportOutcome.Ignored, tally, []);
        }

        // A worker may claim only what it was handed: a node that lies must not count batches it was never given. A
        // worker thought lost, whose batches went back to the queue, holds them no more either: its result arriving
        // late is ignored and the batch is counted again, from whoever holds it now or takes it next.
        if (!HandOutOf(index, worker, out var batch, out var handOut))
        {
            return new Reported(ReportOutcome.NotHeld, tally, []);
        }

        if (batch.Truth is { } truth)
        {
            if (tally == truth)
            {
                LetGo(handOut, BatchOutcome.Counted);
                return Accept(batch, tally);
            }

            LetGo(handOut, BatchOutcome.Wrong);
            Rest(batch);
            _wrong.Add(worker);
            return new Reported(ReportOutcome.Wrong, truth, []);
        }

        LetGo(handOut, BatchOutcome.Counted);
        var claims = _claims.On(index);
        if (claims.Count > 0)
        {
            // Claimed, and this is the second opinion; or verifying, and this waits for the verdict too.
            if (batch.State == BatchState.Claimed && claims[0].Tally == tally)
            {
                return Accept(batch, tally);
            }

            _claims.Add(index, new Claim(worker, tally));
            if (batch.State == BatchState.Verifying)
            {
                return new Reported(ReportOutcome.Pending, tally, []);
            }

            Move(batch, BatchState.Verifying);
            return new Reported(ReportOutcome.Verify, tally, []);
        }

        if (check == TallyCheck.None)
        {
            _claims.CountUnchecked(worker, index, tally);
            return Accept(batch, tally);
        }

        _claims.Add(index, new Claim(worker, tally));

        // A batch another worker still holds (a raced copy) is verified at once: that worker may be slow or cut off.
        if (check == TallyCheck.Verify || batch.Holders > 0)
        {
            Move(batch, BatchState.Verifying);
            return new Reported(ReportOutcome.Verify, tally, []);
        }

        Move(batch, BatchState.Claimed);
        SecondOpinionsFor(worker).Enqueue(index);
        return new Reported(ReportOutcome.Pending, tally, []);
    }

    /// <summary>
    /// Judges the claims of a batch under verification by its true tally: a claim that matches counts, the others
    /// are wrong. With no claim right the batch waits again, and any later claim is judged at once.
    /// </summary>
    public Settled Settle(long index, Tally truth)
    {
        if (!_inPlay.TryGetValue(index, out var batch) || batch.State != BatchState.Verifying)
        {
            return new Settled(false, [], []);
        }

        var claims = _claims.Take(index);
        var wrong = claims.Where(c => c.Tally != truth).ToList();
        _wrong.UnionWith(wrong.Select(c => c.Worker));
        if (claims.FirstOrDefault(c => c.Tally == truth) is { } right)
        {
            var others = HolderWorkers(batch);
            Finish(batch);
            return new Settled(true, wrong, others, right);
        }

        batch.Truth = truth;
        Move(batch, UnclaimedState(batch));
        return new Settled(false, wrong, []);
    }

    /// <summary>
    /// The claims of <paramref name="worker"/> waiting for a second opinion that no other worker has taken: they go
    /// to verification from now on, for the caller to compute, there being no other worker to give one.
    /// </summary>
    public IReadOnlyList<long> TakeForVerification(TWorker worker)
    {
        if (!_secondOpinions.Remove(worker, out var queue))
        {
            return [];
        }

        var indices = queue.Distinct().Where(i => AwaitsSecondOpinion(i) && _claims.HasClaimed(i, worker)).ToList();
        foreach (var index in indices)
        {
            Move(_inPlay[index], BatchState.Verifying);
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
        foreach (var index in _claims.Withdraw(worker))
        {
            affected++;

            // Its claim waited for a second opinion: the batch is as if never reported. A verification under way
            // finds no claim to count.
            if (_inPlay[index] is { State: BatchState.Claimed } claimed && _claims.On(index).Count == 0)
            {
                Move(claimed, UnclaimedState(claimed));
            }
        }

        _secondOpinions.Remove(worker);
        if (_claims.TakeUnchecked(worker) is not { } counted)
        {
            return new Exclusion(affected, 0, Tally.Zero);
        }

        foreach (var span in counted.Spans)
        {
            for (var index = span.First; index <= span.Last; index++)
            {
                // A done batch is done no more: it waits in line again.
                if (_done.Remove(index))
                {
                    WaitAgain(index);
                }
            }
        }

        return new Exclusion(affected, counted.Batches, counted.Sum);
    }

    /// <summary>
    /// Takes back a worker excluded on suspicion alone, never shown wrong here: it gets batches again, and its claims
    /// are heard. (What it had counted unchecked was counted again when it was excluded.) A worker whose own claim this
    /// ledger judged wrong stays excluded. True when the worker is excluded no more.
    /// </summary>
    public bool Readmit(TWorker worker) => !_wrong.Contains(worker) && _excluded.Remove(worker);

    /// <summary>The batch goes to <paramref name="worker"/>: the ledger's one way a batch becomes held.</summary>
    private HandOut<TWorker> HandOutTo(Batch batch, TWorker worker, HandOut<TWorker>? races, long timestamp, DateTimeOffset now)
    {
        var handOut = new HandOut<TWorker>(_handOuts++, batch.Index, worker, races, timestamp, now);
        if (batch.First is null)
        {
            batch.First = handOut;
        }
        else
        {
            batch.Copy = handOut;
        }

        if (!_held.TryGetValue(worker, out var held))
        {
            _held[worker] = held = [];
        }

        held.Add(handOut);
        if (batch.State is BatchState.Waiting or BatchState.Out)
        {
            Move(batch, UnclaimedState(batch));
        }

        foreach (var observer in _observers)
        {
            observer.HandedOut(handOut);
        }

        return handOut;
    }

    /// <summary>
    /// The worker holds the batch no more, for the reason <paramref name="outcome"/> says; the batch's state is the
    /// caller's to move. A raced batch's copy becomes the batch's first hand-out when the first lets go.
    /// </summary>
    private void LetGo(HandOut<TWorker> handOut, BatchOutcome outcome)
    {
        var batch = _inPlay[handOut.Index];
        if (ReferenceEquals(batch.Copy, handOut))
        {
            batch.Copy = null;
        }
        else
        {
            batch.First = batch.Copy;
            batch.Copy = null;
        }

        if (_held.TryGetValue(handOut.Worker, out var held) && held.Remove(handOut) && held.Count == 0)
        {
            _held.Remove(handOut.Worker);
        }

        handOut.End(outcome, _time.GetUtcNow());
        foreach (var observer in _observers)
        {
            observer.Ended(handOut);
        }
    }

    /// <summary>
    /// After a worker let go of a batch without a claim: out or raced, it has one holder fewer, or waits again; claimed
    /// and held by nobody, it waits for another second opinion; verifying, it stays so.
    /// </summary>
    private void Rest(Batch batch)
    {
        if (batch.State is BatchState.Out or BatchState.Raced or BatchState.Waiting)
        {
            Move(batch, UnclaimedState(batch));
        }
        else if (batch is { State: BatchState.Claimed, Holders: 0 })
        {
            SecondOpinionsFor(_claims.On(batch.Index)[0].Worker).Enqueue(batch.Index);
        }
    }

    /// <summary>A batch is counted: whoever still holds it lost the race, and it leaves play.</summary>
    private void Finish(Batch batch)
    {
        while (batch.First is { } holder)
        {
            LetGo(holder, BatchOutcome.LostRace);
        }

        if (batch.State == BatchState.Waiting)
        {
            _waitingAgain--;
        }

        _inPlay.Remove(batch.Index);
        _claims.Take(batch.Index);
        _done.Add(batch.Index);
    }

    private Reported Accept(Batch batch, Tally tally)
    {
        var others = HolderWorkers(batch);
        Finish(batch);
        return new Reported(ReportOutcome.Counted, tally, others);
    }

    /// <summary>
    /// The batch's state changes; one that becomes waiting joins the line, and leaves play if it has nothing to
    /// remember. (A batch leaves the waiting state only by a hand-out or by being counted, which count it out.)
    /// </summary>
    private void Move(Batch batch, BatchState state)
    {
        if (batch.State == state)
        {
            return;
        }

        batch.State = state;
        if (state == BatchState.Waiting)
        {
            _inPlay.Remove(batch.Index);
            WaitAgain(batch.Index, batch);
        }
    }

    /// <summary>A batch handed out before waits again, last in line; kept in play only with something to remember.</summary>
    private void WaitAgain(long index, Batch? batch = null)
    {
        if (batch is { Failures: > 0 } or { Truth: not null })
        {
            _inPlay[index] = batch;
        }

        _waitingAgain++;
        _waiting.Enqueue(index);
    }

    /// <summary>The batch's entry in play, made for a waiting batch that has none.</summary>
    private Batch InPlay(long index)
    {
        if (!_inPlay.TryGetValue(index, out var batch))
        {
            _inPlay[index] = batch = new Batch(index);
        }

        return batch;
    }

    /// <summary>Handed out before, waiting again, and not since handed out or counted.</summary>
    private bool IsWaitingAgain(long index) =>
        !_done.Contains(index) && (!_inPlay.TryGetValue(index, out var batch) || batch.State == BatchState.Waiting);

    private bool AwaitsSecondOpinion(long index) => _inPlay.TryGetValue(index, out var batch) && batch is { State: BatchState.Claimed, Holders: 0 };

    /// <summary>The batch and the worker's hand-out of it, when the worker holds it.</summary>
    private bool HandOutOf(long index, TWorker worker, [NotNullWhen(true)] out Batch? batch, [NotNullWhen(true)] out HandOut<TWorker>? handOut)
    {
        handOut = null;
        return _inPlay.TryGetValue(index, out batch) && (handOut = batch.HandOutOf(worker)) is not null;
    }

    private static BatchState UnclaimedState(Batch batch) => batch.Holders switch
    {
        0 => BatchState.Waiting,
        1 => BatchState.Out,
        _ => BatchState.Raced,
    };

    private static List<TWorker> HolderWorkers(Batch batch) =>
        [.. new[] { batch.First, batch.Copy }.OfType<HandOut<TWorker>>().Select(h => h.Worker)];

    private Queue<long> SecondOpinionsFor(TWorker claimant)
    {
        if (!_secondOpinions.TryGetValue(claimant, out var queue))
        {
            _secondOpinions[claimant] = queue = new Queue<long>();
        }

        return queue;
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

    /// <summary>A batch in play: its state, the hand-outs that hold it, and what a later hand-out of it must know.</summary>
    private sealed class Batch(long index)
    {
        public long Index { get; } = index;

        public BatchState State { get; set; } = BatchState.Waiting;

        /// <summary>The hand-out it is out with: the first, or the copy once the first let go.</summary>
        public HandOut<TWorker>? First { get; set; }

        /// <summary>A copy racing <see cref="First"/>.</summary>
        public HandOut<TWorker>? Copy { get; set; }

        public int Holders => First is null ? 0 : Copy is null ? 1 : 2;

        public int Failures { get; set; }

        /// <summary>Known once a verification found no claim right: later claims are judged by it at once.</summary>
        public Tally? Truth { get; set; }

        public HandOut<TWorker>? HandOutOf(TWorker worker) =>
            First is { } first && first.Worker.Equals(worker) ? first
            : Copy is { } copy && copy.Worker.Equals(worker) ? copy
            : null;
    }
}
