using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// The formula's kernel before <see cref="DelegliseRivat"/>, kept as its reference in the specs and its baseline in the
/// benchmarks: the tally of [0, n] by Lucy's sieve over the values floor(n / k). For each such v it keeps the count
/// and the sum of the odd numbers in [3, v] that no odd prime sieved so far divides. Sieving the odd prime p takes out
/// of v the numbers whose smallest prime factor is p; at v = n those are exactly the composites that cost p - 1
/// checks, so one pass yields pi(n), the sum of the primes and the composites' checks together.
/// </summary>
/// <remarks>
/// Odd numbers only: an even v shares the entry of v - 1. The value n / i (i odd, i &lt;= sqrt n) is read, when p is
/// sieved, only by the update of n / (i / p), and then i has no prime factor below p: so only the "rough" i, free of
/// the primes sieved so far, are kept up to date (min_25's refinement), and only while n / i &gt;= p^2. The values up
/// to sqrt n see the primes up to n^(1/4) only. A step's updates read the values as they were before the step, so
/// they are computed in parallel, in phases that each read only what no other part of the phase writes.
/// </remarks>
internal sealed class LucySieve
{
    /// <summary>A phase with fewer updates than this runs on the calling thread: fanning out costs more.</summary>
    private const int ParallelThreshold = 1 << 14;

    /// <summary>From this value on, the sum of the odd numbers up to it can exceed 64 bits.</summary>
    private const ulong WideSumFrom = (1UL << 33) - 1;

    private readonly ulong _n;
    private readonly double _nAsDouble;
    private readonly ulong _root;
    private readonly int _cores;
    private readonly ParallelOptions _parallel;

    // Entry h of the small table stands for the odd value 2h + 1 <= sqrt n; entry h of the large one for n / (2h + 1).
    // An entry is its count and its sum side by side, so that one read brings both.
    private readonly ulong[] _small;
    private readonly ulong[] _large;

    // The first _wide large entries keep their sums here, in 128 bits, instead.
    private readonly int _wide;
    private readonly UInt128[] _wideSum;

    // The rough odd i, ascending; only the prefix at most n / p^2 is still sieved, and kept.
    private readonly uint[] _roughs;
    private int _roughCount;

    // What a step's parallel phases hand on: updates computed before any is made, or the amounts of the small runs.
    private readonly ulong[] _scratch;

    private LucySieve(ulong n, int cores, CancellationToken cancellationToken)
    {
        _n = n;
        _nAsDouble = n;
        _root = IntegerMath.ISqrt(n);
        _cores = cores;
        // The thread pool, not the caller's scheduler: a worker's dedicated compute threads would leave the parts queued.
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = cores, CancellationToken = cancellationToken, TaskScheduler = TaskScheduler.Default };
        var half = (int)((_root + 1) / 2);
        _small = new ulong[2 * half];
        _large = new ulong[2 * half];
        _roughs = new uint[half];
        _roughCount = half;
        _wide = (int)Math.Min((ulong)half, (n / WideSumFrom + 1) / 2);
        _wideSum = new UInt128[_wide];
        _scratch = new ulong[2 * ((_root / 3 + 1) / 2 + 2)];

        for (var h = 0; h < half; h++)
        {
            var i = 2 * (ulong)h + 1;
            _small[2 * h] = (ulong)h;
            _small[2 * h + 1] = OddSum((ulong)h);
            var large = (n / i - 1) / 2;
            _large[2 * h] = large;
            if (h < _wide)
            {
                _wideSum[h] = ((UInt128)(large + 1) * (large + 1)) - 1;
            }
            else
            {
                _large[2 * h + 1] = OddSum(large);
            }

            _roughs[h] = (uint)i;
        }
    }

    /// <summary>
    /// The tally of [0, n] on up to <paramref name="cores"/> cores. n must be below 2^53, where n / d in double
    /// precision floors exactly, and its square root within the cached base primes.
    /// </summary>
    public static Tally Count(ulong n, int cores, CancellationToken cancellationToken)
    {
        if (n < 2)
        {
            return Tally.Zero;
        }

        return new LucySieve(n, cores, cancellationToken).Run(cancellationToken);
    }

    /// <summary>The sum of the odd numbers 3, 5, ..., 2h + 1: (h + 1)^2 - 1.</summary>
    private static ulong OddSum(ulong h) => ((h + 1) * (h + 1)) - 1;

    private Tally Run(CancellationToken cancellationToken)
    {
        // The composites whose smallest prime factor is 2 are the even numbers from 4: one check each.
        var compositeChecks = (UInt128)(_n / 2 - 1);
        ulong primesBefore = 0;
        ulong primeSumBefore = 0;
        foreach (var prime in BasePrimes.UpTo((uint)_root).Span)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ulong p = prime;
            var removed = SieveLarge(p, primesBefore, primeSumBefore);
            compositeChecks += (UInt128)removed * (p - 1);
            if (p * p <= _root)
            {
                SieveSmall(p, primesBefore, primeSumBefore);
            }

            primesBefore++;
            primeSumBefore += p;
        }

        var primes = _large[0] + 1;
        var primeSum = LargeSum(0) + 2;
        return new Tally(primes, primeSum - 2 * (UInt128)primes + compositeChecks);
    }

    /// <summary>
    /// Sieves the odd prime p out of every kept large value n / i &gt;= p^2: it loses the rough numbers of smallest
    /// prime factor p, p times those at most n / (i p). Returns how many n / 1 lost: the composites of spf p.
    /// </summary>
    private ulong SieveLarge(ulong p, ulong primesBefore, ulong primeSumBefore)
    {
        var end = UpperBound(_roughs, _roughCount, Math.Min(_root, _n / (p * p)));
        var divisibility = new Divisibility((uint)p);

        // n / 1 reads n / p.
        var removed = _large[p / 2 * 2] - primesBefore;
        _large[0] -= removed;
        var removedSum = p * (LargeSum((int)(p / 2)) - primeSumBefore);
        if (_wide > 0)
        {
            _wideSum[0] -= removedSum;
        }
        else
        {
            _large[1] -= (ulong)removedSum;
        }

        // The wide entries, few, in ascending order: each reads n / (i p), a later entry, not yet updated.
        var wideEnd = _wide == 0 ? 1 : UpperBound(_roughs, end, 2 * (ulong)_wide - 1);
        var written = UpdateWide(1, wideEnd, 1, p, primesBefore, primeSumBefore, divisibility);

        // The rest in two phases: the updates that read large values (i <= sqrt(n) / p), then every write.
        var readsLargeEnd = Math.Max(wideEnd, UpperBound(_roughs, end, _root / p));
        InChunks(wideEnd, readsLargeEnd, (lo, hi) =>
        {
            LargeUpdates(lo, hi, wideEnd, p, primesBefore, primeSumBefore);
            return 0;
        });

        var keptPerChunk = new List<(int Lo, int Kept)>();
        InChunks(wideEnd, end, (lo, hi) =>
        {
            var kept = ApplyLargeUpdates(lo, Math.Min(hi, readsLargeEnd), wideEnd, divisibility);
            kept = UpdateFromSmall(Math.Max(lo, readsLargeEnd), hi, kept, p, primesBefore, primeSumBefore, divisibility);
            return kept - lo;
        }, keptPerChunk);

        foreach (var (lo, kept) in keptPerChunk)
        {
            Array.Copy(_roughs, lo, _roughs, written, kept);
            written += kept;
        }

        _roughCount = written;
        return removed;
    }

    private int UpdateWide(int lo, int hi, int kept, ulong p, ulong primesBefore, ulong primeSumBefore, Divisibility divisibility)
    {
        for (var k = lo; k < hi; k++)
        {
            var i = _roughs[k];
            var d = i * p;
            ulong count;
            UInt128 sum;
            if (d <= _root)
            {
                count = _large[d - 1];
                sum = LargeSum((int)(d / 2));
            }
            else
            {
                var h = (Quotient(d) - 1) / 2;
                count = _small[2 * h];
                sum = _small[2 * h + 1];
            }

            _large[i - 1] -= count - primesBefore;
            _wideSum[i / 2] -= p * (sum - primeSumBefore);
            if (!divisibility.Divides(i))
            {
                _roughs[kept++] = i;
            }
        }

        return kept;
    }

    /// <summary>The updates of the rough values at [lo, hi), which read n / (i p) among the large values, into scratch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void LargeUpdates(int lo, int hi, int first, ulong p, ulong primesBefore, ulong primeSumBefore)
    {
        ref var large = ref MemoryMarshal.GetArrayDataReference(_large);
        ref var scratch = ref MemoryMarshal.GetArrayDataReference(_scratch);
        var roughs = _roughs.AsSpan(0, hi);
        for (var k = lo; k < roughs.Length; k++)
        {
            // Odd i p <= sqrt n: the entry (i p - 1) / 2, whose count is at i p - 1 and its sum next to it.
            ref var source = ref Unsafe.Add(ref large, (nint)(roughs[k] * p - 1));
            ref var update = ref Unsafe.Add(ref scratch, 2 * (k - first));
            update = source - primesBefore;
            Unsafe.Add(ref update, 1) = p * (Unsafe.Add(ref source, 1) - primeSumBefore);
        }
    }

    /// <summary>Applies the updates in scratch to the rough values at [lo, hi), keeping those p does not divide.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ApplyLargeUpdates(int lo, int hi, int first, Divisibility divisibility)
    {
        ref var large = ref MemoryMarshal.GetArrayDataReference(_large);
        ref var scratch = ref MemoryMarshal.GetArrayDataReference(_scratch);
        var roughs = _roughs.AsSpan(0, Math.Max(lo, hi));
        var kept = lo;
        for (var k = lo; k < roughs.Length; k++)
        {
            var i = roughs[k];
            ref var target = ref Unsafe.Add(ref large, (nint)(i - 1));
            ref var update = ref Unsafe.Add(ref scratch, 2 * (k - first));
            target -= update;
            Unsafe.Add(ref target, 1) -= Unsafe.Add(ref update, 1);
            if (!divisibility.Divides(i))
            {
                roughs[kept++] = i;
            }
        }

        return kept;
    }

    /// <summary>Updates the rough values at [lo, hi), whose n / (i p) is a small value; keeps those p does not divide.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int UpdateFromSmall(int lo, int hi, int kept, ulong p, ulong primesBefore, ulong primeSumBefore, Divisibility divisibility)
    {
        ref var small = ref MemoryMarshal.GetArrayDataReference(_small);
        ref var large = ref MemoryMarshal.GetArrayDataReference(_large);
        var roughs = _roughs.AsSpan(0, Math.Max(lo, hi));
        for (var k = lo; k < roughs.Length; k++)
        {
            var i = roughs[k];

            // v = n / (i p) <= sqrt n: the entry (v - 1) / 2, whose count is at 2 ((v - 1) / 2).
            ref var source = ref Unsafe.Add(ref small, (nint)((Quotient(i * p) - 1) & ~1UL));
            ref var target = ref Unsafe.Add(ref large, (nint)(i - 1));
            target -= source - primesBefore;
            Unsafe.Add(ref target, 1) -= p * (Unsafe.Add(ref source, 1) - primeSumBefore);
            if (!divisibility.Divides(i))
            {
                roughs[kept++] = i;
            }
        }

        return kept;
    }

    /// <summary>
    /// Sieves p out of the small values in [p^2, sqrt n]. The odd v in [j p, (j + 2) p), j odd, have v / p in
    /// {j, j + 1}: those p entries all lose what the value j holds, read for every run before any run is written.
    /// </summary>
    private void SieveSmall(ulong p, ulong primesBefore, ulong primeSumBefore)
    {
        var runs = (int)(((_root / p) - p) / 2) + 1;
        for (var r = 0; r < runs; r++)
        {
            var j = p + 2 * (ulong)r;
            _scratch[2 * r] = _small[j - 1] - primesBefore;
            _scratch[2 * r + 1] = p * (_small[j] - primeSumBefore);
        }

        var last = (int)((_root - 1) / 2);
        InChunks(0, runs, (lo, hi) =>
        {
            for (var r = lo; r < hi; r++)
            {
                var start = (int)(((p + 2 * (ulong)r) * p - 1) / 2);
                var length = Math.Min((int)p, last - start + 1);
                Subtract(_small.AsSpan(2 * start, 2 * length), _scratch[2 * r], _scratch[2 * r + 1]);
            }

            return 0;
        }, weight: (int)p);
    }

    /// <summary>Subtracts <paramref name="count"/> and <paramref name="sum"/> from every entry of a run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Subtract(Span<ulong> entries, ulong count, ulong sum)
    {
        ref var first = ref MemoryMarshal.GetReference(entries);
        var i = 0;
        if (Vector256.IsHardwareAccelerated && entries.Length >= Vector256<ulong>.Count)
        {
            var amounts = Vector256.Create(count, sum, count, sum);
            for (; i + Vector256<ulong>.Count <= entries.Length; i += Vector256<ulong>.Count)
            {
                (Vector256.LoadUnsafe(ref first, (nuint)i) - amounts).StoreUnsafe(ref first, (nuint)i);
            }
        }

        for (; i < entries.Length; i += 2)
        {
            Unsafe.Add(ref first, i) -= count;
            Unsafe.Add(ref first, i + 1) -= sum;
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> over [lo, hi) on the calling thread, or in chunks across the cores when there is
    /// enough to share; each chunk's result is noted in <paramref name="results"/>, in order, with where it began.
    /// </summary>
    private void InChunks(int lo, int hi, Func<int, int, int> body, List<(int Lo, int Result)>? results = null, int weight = 1)
    {
        var work = (long)(hi - lo) * weight;
        var chunks = _cores == 1 || work < ParallelThreshold ? 1 : (int)Math.Min(4L * _cores, work / (ParallelThreshold / 4));
        if (chunks <= 1)
        {
            var result = body(lo, hi);
            results?.Add((lo, result));
            return;
        }

        var chunkResults = new int[chunks];
        Parallel.For(0, chunks, _parallel, c => chunkResults[c] = body(ChunkStart(lo, hi, chunks, c), ChunkStart(lo, hi, chunks, c + 1)));
        for (var c = 0; c < chunks; c++)
        {
            results?.Add((ChunkStart(lo, hi, chunks, c), chunkResults[c]));
        }
    }

    private static int ChunkStart(int lo, int hi, int chunks, int c) => lo + (int)((long)(hi - lo) * c / chunks);

    /// <summary>The sum of the large entry h, from whichever table holds it.</summary>
    private UInt128 LargeSum(int h) => h < _wide ? _wideSum[h] : _large[2 * h + 1];

    /// <summary>floor(n / d) by one double division: exact for n below 2^53.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Quotient(ulong d) => (ulong)(_nAsDouble / d);

    /// <summary>How many of the first <paramref name="length"/> roughs are at most <paramref name="value"/>.</summary>
    private static int UpperBound(uint[] roughs, int length, ulong value)
    {
        if (value >= uint.MaxValue)
        {
            return length;
        }

        var index = Array.BinarySearch(roughs, 0, length, (uint)value);
        return index >= 0 ? index + 1 : ~index;
    }

    /// <summary>Whether the odd prime p divides i, by one multiplication: i p^-1 mod 2^32 is small exactly for multiples.</summary>
    private readonly struct Divisibility
    {
        private readonly uint _inverse;
        private readonly uint _limit;

        public Divisibility(uint p)
        {
            // Newton's iteration doubles the correct low bits of the inverse: 3, 6, 12, 24, 48.
            var inverse = p;
            for (var k = 0; k < 4; k++)
            {
                inverse *= 2 - p * inverse;
            }

            _inverse = inverse;
            _limit = uint.MaxValue / p;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Divides(uint i) => i * _inverse <= _limit;
    }
}
