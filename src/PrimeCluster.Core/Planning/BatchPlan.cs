using System.Collections;

namespace PrimeCluster.Core.Planning;

/// <summary>
/// A lazily computed plan: any batch can be computed from its index alone, so a plan of millions of batches costs
/// constant memory, and a batch handed back by a lost worker can be rebuilt from its index.
/// </summary>
public sealed class BatchPlan : IEnumerable<Batch>
{
    private readonly Func<long, ulong> _start;

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

    public NumberRange Range { get; }

    public PlanOptions Options { get; }

    public long Count { get; }

    /// <summary>
    /// A digest of where nine batches begin, evenly spaced from the first to the last. Plans of the same range, options
    /// and count whose fingerprints differ cut the range differently, as a planner of another version would.
    /// </summary>
    public ulong Fingerprint
    {
        get
        {
            Span<ulong> starts = stackalloc ulong[9];
            for (var k = 0; k < starts.Length; k++)
            {
                starts[k] = _start((Count - 1) * k / 8);
            }

            return Fnv1a.Hash64(starts);
        }
    }

    public Batch this[long index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var from = Range.From + _start(index);
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
