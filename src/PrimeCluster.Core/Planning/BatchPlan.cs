using System.Collections;

namespace PrimeCluster.Core.Planning;

/// <summary>
/// A lazily computed plan: any batch can be computed from its index alone, so a plan of millions of batches costs
/// constant memory, and a batch handed back by a lost worker can be rebuilt from its index.
/// </summary>
public sealed class BatchPlan : IEnumerable<Batch>
{
    private readonly Func<long, ulong>? _start;

    // The formula's two ends, listed (see PlanOptions.SplitFormulaEnds); otherwise null.
    private readonly Batch[]? _ends;

    /// <param name="start">
    /// Offset from the range's start where batch i begins: 0 for the first batch, strictly increasing, and below the
    /// range's width for every batch, so that every batch holds at least one number.
    /// </param>
    internal BatchPlan(NumberRange range, PlanOptions options, long count, Func<long, ulong> start)
    {
        Range = range;
        Options = options;
        Count = count;
        _start = start;
    }

    /// <summary>The formula's plan of two ends: F(til), and F(from - 1) to subtract.</summary>
    internal BatchPlan(NumberRange range, PlanOptions options, Batch[] ends)
    {
        Range = range;
        Options = options;
        Count = ends.Length;
        _ends = ends;
    }

    public NumberRange Range { get; }

    public PlanOptions Options { get; }

    public long Count { get; }

    /// <summary>Whether some batch's tally is taken away from the job's (<see cref="Batch.Subtracted"/>).</summary>
    public bool HasSubtractedBatches => _ends is not null;

    /// <summary>
    /// A digest of where nine batches begin, evenly spaced from the first to the last. Plans of the same range, options
    /// and count whose fingerprints differ cut the range differently, as a planner of another version would.
    /// </summary>
    public ulong Fingerprint
    {
        get
        {
            // FNV-1a over the nine offsets; for the formula's ends, over their ranges.
            var hash = 14695981039346656037UL;
            if (_ends is not null)
            {
                foreach (var end in _ends)
                {
                    hash = (hash ^ end.Range.From) * 1099511628211UL;
                    hash = (hash ^ end.Range.Til) * 1099511628211UL;
                }

                return hash;
            }

            for (var k = 0; k <= 8; k++)
            {
                hash = (hash ^ _start!((Count - 1) * k / 8)) * 1099511628211UL;
            }

            return hash;
        }
    }

    public Batch this[long index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            if (_ends is not null)
            {
                return _ends[index];
            }

            var from = Range.From + _start!(index);
            var til = index == Count - 1 ? Range.Til : Range.From + (_start(index + 1) - 1);
            return new Batch(index, new NumberRange(from, til));
        }
    }

    public IEnumerator<Batch> GetEnumerator()
    {
        for (long i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
