using PrimeCluster.Core;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// The tallies reported for a job's batches that do not count yet (claims, waiting for a second opinion or for the true
/// tally), and the batches each worker's tallies were counted for unchecked: taken back if that worker is excluded.
/// </summary>
internal sealed class ClaimBook<TWorker>
    where TWorker : notnull
{
    private readonly Dictionary<long, List<BatchLedger<TWorker>.Claim>> _claims = [];
    private readonly Dictionary<TWorker, CountedUnchecked> _unchecked = [];

    /// <summary>The claims of a batch, first first.</summary>
    public IReadOnlyList<BatchLedger<TWorker>.Claim> On(long index) => _claims.TryGetValue(index, out var claims) ? claims : [];

    public bool HasClaimed(long index, TWorker worker) =>
        _claims.Count > 0 && _claims.TryGetValue(index, out var claims) && claims.Exists(c => c.Worker.Equals(worker));

    public void Add(long index, BatchLedger<TWorker>.Claim claim)
    {
        if (!_claims.TryGetValue(index, out var claims))
        {
            _claims[index] = claims = [];
        }

        claims.Add(claim);
    }

    /// <summary>The claims of a batch, taken out of the book.</summary>
    public IReadOnlyList<BatchLedger<TWorker>.Claim> Take(long index) => _claims.Remove(index, out var claims) ? claims : [];

    /// <summary>Takes the worker's claims out of the book; returns the batches it had claimed.</summary>
    public IReadOnlyList<long> Withdraw(TWorker worker)
    {
        var withdrawn = new List<long>();
        foreach (var (index, claims) in _claims)
        {
            if (claims.RemoveAll(c => c.Worker.Equals(worker)) > 0)
            {
                withdrawn.Add(index);
            }
        }

        foreach (var index in withdrawn.Where(i => _claims[i].Count == 0))
        {
            _claims.Remove(index);
        }

        return withdrawn;
    }

    /// <summary>The worker's tally of a batch counted as reported, unchecked.</summary>
    public void CountUnchecked(TWorker worker, long index, Tally tally)
    {
        if (!_unchecked.TryGetValue(worker, out var counted))
        {
            _unchecked[worker] = counted = new CountedUnchecked();
        }

        counted.Add(index, tally);
    }

    /// <summary>What the worker's tallies were counted for unchecked, taken out of the book; null when nothing.</summary>
    public CountedUnchecked? TakeUnchecked(TWorker worker) => _unchecked.Remove(worker, out var counted) ? counted : null;

    /// <summary>
    /// The batches one worker's tallies were counted unchecked for, as spans (a worker is handed runs of consecutive
    /// batches and reports them in order, so a span usually stands for several, 16 bytes a run), and their sum.
    /// </summary>
    public sealed class CountedUnchecked
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
}
