using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// The leaves whose values need a sieve, from a segmented sieve of the odd numbers below n / y that keeps, like Lucy's,
/// each sieving prime and strikes its multiples from its square on: after the primes p_1 .. p_b, what is left in
/// [3, v] counts C = Phi_b(v) + b - 1 and sums T = Sigma_b(v) + PS(b) - 1. Hard leaves (v &gt;= p_k^2) are read between
/// the primes, at level k - 1; final leaves (p_k &lt;= v &lt; p_k^2, v &gt; y) after the last.
/// </summary>
/// <remarks>
/// Each segment is one bit per odd number, with the count and the sum of what is left in each word of 64 kept as the
/// primes strike, so that a value's count and sum take the words' counts and sums before it and its own word. The
/// segments are cut into chunks computed in parallel, each counting from zero: a leaf's value is then its chunk's part
/// plus what the chunks before hold at its level, which enters once the chunks are done, through the sums of the
/// leaves' signs, products and weights per level.
/// </remarks>
internal sealed class LeafSieve
{
    /// <summary>Odd numbers per segment at most: 2^20, 128 KB of bits; fewer where n / y is smaller.</summary>
    public const int MaxSegmentBits = 20;

    /// <summary>Odd numbers per segment at least: 2^9, eight words.</summary>
    public const int MinSegmentBits = 9;

    /// <summary>The hard leaves of a level are gathered, counted and summed this many at a time.</summary>
    private const int LeafBatch = 512;

    /// <summary>3 5 7 11 13 = 15015: the words of the pattern the tiny levels' primes leave.</summary>
    private const int PatternWords = 15015;

    private static readonly ulong[] Pattern = CreatePattern();

    private readonly DelegliseRivat _f;
    private readonly int _first;
    private readonly int _end;
    private readonly int _length;
    private readonly ulong[] _bits;

    // Per word: how many of its odd numbers are left and their sum, side by side.
    private readonly ulong[] _left;

    // After the last prime, the count and the sum of what is left before each word: for the final leaves.
    private readonly uint[] _countBefore;
    private readonly ulong[] _sumBefore;

    // Where each sieving prime strikes next, as an index 2i + 1 = m.
    private readonly ulong[] _next;

    // The final nodes: each one's next level, in the list of the segment of its next leaf.
    private readonly int[] _finalAt;
    private readonly int[] _finalFirst;
    private readonly int[] _finalLink;

    // A batch of hard leaves: d p_k, the weight, the sign, the place of v; then the count and the sum there.
    private readonly ulong[] _leafM = new ulong[LeafBatch];
    private readonly ulong[] _leafWeight = new ulong[LeafBatch];
    private readonly int[] _leafSign = new int[LeafBatch];
    private readonly ulong[] _leafAt = new ulong[LeafBatch];
    private readonly ulong[] _leafCount = new ulong[LeafBatch];
    private readonly ulong[] _leafSum = new ulong[LeafBatch];

    private readonly ChunkTotals _totals;

    private LeafSieve(DelegliseRivat f, int first, int end)
    {
        _f = f;
        _first = first;
        _end = end;
        _length = f.SegmentLength;
        _bits = new ulong[_length / 64];
        _left = new ulong[2 * (_length / 64)];
        _countBefore = new uint[_length / 64];
        _sumBefore = new ulong[_length / 64];
        _next = new ulong[f.Levels + 1];
        _finalAt = new int[f.Finals.Count];
        _finalFirst = new int[end - first];
        _finalLink = new int[f.Finals.Count];
        _totals = new ChunkTotals(f.Levels + 1);
    }

    /// <summary>The hard and the final leaves, chunk by chunk in parallel.</summary>
    public static LeafSums Sum(DelegliseRivat f)
    {
        var chunks = new ChunkTotals[f.Chunks];
        Parallel.For(0, chunks.Length, f.Parallel, c =>
        {
            chunks[c] = new LeafSieve(f, ChunkStart(f, c), ChunkStart(f, c + 1)).Run();
        });

        // Each chunk counted from zero: its leaves gain what the chunks before it left at their level.
        var sums = default(LeafSums);
        var before = new ChunkTotals(f.Levels + 1);
        foreach (var chunk in chunks)
        {
            sums.Add(chunk.Sums);
            for (var b = DelegliseRivat.TinyLevels; b <= f.Levels; b++)
            {
                sums.Phi += before.Count[b] * chunk.SignSum[b];
                sums.Sigma += chunk.ProductSum[b] * before.Sum[b];
                sums.W += chunk.WeightSum[b] * before.Count[b];
                before.Count[b] += chunk.Count[b];
                before.Sum[b] += chunk.Sum[b];
            }

            sums.Phi += before.FinalCount * chunk.FinalSignSum;
            sums.Sigma += chunk.FinalProductSum * before.FinalSum;
            sums.W += chunk.FinalWeightSum * before.FinalCount;
            before.FinalCount += chunk.FinalCount;
            before.FinalSum += chunk.FinalSum;
        }

        return sums;
    }

    /// <summary>
    /// Where chunk c starts: chunks grow as the square of their index, for the first segments cost the most (a leaf's
    /// v is n / m, so the small values gather most of the leaves); one segment each at least.
    /// </summary>
    private static int ChunkStart(DelegliseRivat f, int c) =>
        c >= f.Chunks ? f.Segments : Math.Max(c, (int)((long)f.Segments * c * c / ((long)f.Chunks * f.Chunks)));

    /// <summary>The sum of the odd numbers whose bits are set in a word whose bit 0 stands for <paramref name="first"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong WordSum(ulong word, ulong first)
    {
        // The bit positions' sum: bit t of every position, counted where it is set.
        var positions = (ulong)BitOperations.PopCount(word & 0xAAAAAAAAAAAAAAAA)
            + ((ulong)BitOperations.PopCount(word & 0xCCCCCCCCCCCCCCCC) << 1)
            + ((ulong)BitOperations.PopCount(word & 0xF0F0F0F0F0F0F0F0) << 2)
            + ((ulong)BitOperations.PopCount(word & 0xFF00FF00FF00FF00) << 3)
            + ((ulong)BitOperations.PopCount(word & 0xFFFF0000FFFF0000) << 4)
            + ((ulong)BitOperations.PopCount(word & 0xFFFFFFFF00000000) << 5);
        return ((ulong)BitOperations.PopCount(word) * first) + (2 * positions);
    }

    /// <summary>The odd numbers prime to 3 5 7 11 13, word by word over one period.</summary>
    private static ulong[] CreatePattern()
    {
        var pattern = new ulong[PatternWords];
        for (var i = 0; i < 64 * PatternWords; i++)
        {
            var m = (2 * i) + 1;
            if (m % 3 != 0 && m % 5 != 0 && m % 7 != 0 && m % 11 != 0 && m % 13 != 0)
            {
                pattern[i >> 6] |= 1UL << (i & 63);
            }
        }

        return pattern;
    }

    private ChunkTotals Run()
    {
        var primes = _f.Primes;
        var lo = (2 * ((ulong)_first * (ulong)_length)) + 1;
        for (var k = DelegliseRivat.TinyLevels + 1; k <= _f.Levels; k++)
        {
            // The first odd multiple of p_k from max(p_k^2, lo) on.
            var p = primes[k];
            var m = Math.Max(p * p, (lo + p - 1) / p * p);
            if ((m & 1) == 0)
            {
                m += p;
            }

            _next[k] = (m - 1) / 2;
        }

        Array.Fill(_finalFirst, -1);
        var finals = CollectionsMarshal.AsSpan(_f.Finals);
        for (var j = 0; j < finals.Length; j++)
        {
            _finalAt[j] = primes.PiAtMost(finals[j].Nd / lo, finals[j].To);
            Enqueue(j, finals[j]);
        }

        for (var s = _first; s < _end; s++)
        {
            _f.Cancellation.ThrowIfCancellationRequested();
            Segment((ulong)s * (ulong)_length);
        }

        return _totals;
    }

    private void Segment(ulong i0)
    {
        var f = _f;
        var i1 = i0 + (ulong)_length;
        var lo = (2 * i0) + 1;
        var hi = (2 * i1) + 1;
        var levels = f.Primes.Pi(IntegerMath.ISqrt((2 * i1) - 1));

        // The tiny levels' primes by pattern; the first segment keeps them, and 1 is not counted.
        var offset = (int)(i0 / 64 % PatternWords);
        for (var w = 0; w < _bits.Length;)
        {
            var piece = Math.Min(_bits.Length - w, PatternWords - offset);
            Array.Copy(Pattern, offset, _bits, w, piece);
            w += piece;
            offset = 0;
        }

        if (i0 == 0)
        {
            _bits[0] &= ~1UL;
            for (var k = 1; k <= DelegliseRivat.TinyLevels; k++)
            {
                _bits[0] |= 1UL << (int)(f.Primes[k] / 2);
            }
        }

        var (count, sum) = CountWords(i0);
        for (var b = DelegliseRivat.TinyLevels; b <= levels; b++)
        {
            // The leaves of level b, then p_(b+1) strikes.
            if (b < levels)
            {
                HardLeaves(b + 1, i0, lo, hi);
            }

            _totals.Count[b] += count;
            _totals.Sum[b] += sum;
            if (b < levels)
            {
                Strike(b + 1, i0, ref count, ref sum);
            }
        }

        // The levels this segment no longer changes.
        for (var b = Math.Max(levels + 1, DelegliseRivat.TinyLevels); b <= f.Levels; b++)
        {
            _totals.Count[b] += count;
            _totals.Sum[b] += sum;
        }

        FinalLeaves(i0, hi);
        _totals.FinalCount += count;
        _totals.FinalSum += sum;
    }

    private (ulong Count, ulong Sum) CountWords(ulong i0)
    {
        ulong count = 0, sum = 0;
        for (var w = 0; w < _bits.Length; w++)
        {
            var c = (ulong)BitOperations.PopCount(_bits[w]);
            var s = WordSum(_bits[w], (2 * (i0 + (64 * (ulong)w))) + 1);
            _left[2 * w] = c;
            _left[(2 * w) + 1] = s;
            count += c;
            sum += s;
        }

        return (count, sum);
    }

    /// <summary>p_k strikes its odd multiples in the segment; their words' and the segment's counts and sums lose them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Strike(int k, ulong i0, ref ulong count, ref ulong sum)
    {
        var p = _f.Primes[k];
        var t = _next[k] - i0;
        var length = (ulong)_length;
        if (t >= length)
        {
            return;
        }

        ref var bits = ref MemoryMarshal.GetArrayDataReference(_bits);
        ref var lefts = ref MemoryMarshal.GetArrayDataReference(_left);
        var m = (2 * (i0 + t)) + 1;
        var step = 2 * p;
        var c = count;
        var s = sum;
        for (; t < length; t += p, m += step)
        {
            var w = (nint)(t >> 6);
            ref var word = ref Unsafe.Add(ref bits, w);
            var bit = (word >> (int)t) & 1;
            word &= ~(1UL << (int)t);
            var removed = (0 - bit) & m;
            ref var left = ref Unsafe.Add(ref lefts, 2 * w);
            left -= bit;
            Unsafe.Add(ref left, 1) -= removed;
            c -= bit;
            s -= removed;
        }

        count = c;
        sum = s;
        _next[k] = i0 + t;
    }

    /// <summary>
    /// The hard leaves of level k - 1 whose v lies in this segment: m = d p_k with v = n / m &gt;= p_k^2, d &gt; p_k
    /// free of smaller primes, in ascending v (descending d), in batches.
    /// </summary>
    private void HardLeaves(int k, ulong i0, ulong lo, ulong hi)
    {
        var f = _f;
        var primes = f.Primes;
        var p = primes[k];
        var nk = f.N / p;
        var dLo = Math.Max(Math.Max(f.Y / p, p), nk / hi);
        var dHi = Math.Min(Math.Min(f.Y, nk / (p * p)), nk / lo);
        if (dHi <= dLo)
        {
            return;
        }

        var level = k - 1;
        var walk = new Walk(i0, _totals.Count[level], _totals.Sum[level]);
        var nkd = (double)nk;
        var leaves = default(LevelLeaves);
        var n = 0;
        if (p * p <= f.Y)
        {
            // d may be composite: its sign and weight from the factor table.
            var factors = f.Factors;
            for (var d = (dHi - 1) | 1; d > dLo; d -= 2)
            {
                var h = (int)(d / 2);
                var mu = factors.Mu[h];
                if (mu == 0 || factors.Smallest[h] <= k)
                {
                    continue;
                }

                Gather(n++, d * p, primes[factors.Largest[h]] - 1, -mu, (ulong)(nkd / d));
                if (n == LeafBatch)
                {
                    Evaluate(ref walk, n, ref leaves);
                    n = 0;
                }
            }
        }
        else
        {
            // Every d is a prime above p_k: sign +1, weight d - 1.
            for (var j = primes.Pi(dHi); j > Math.Max(primes.Pi(dLo), k); j--)
            {
                var d = primes[j];
                Gather(n++, d * p, d - 1, 1, (ulong)(nkd / d));
                if (n == LeafBatch)
                {
                    Evaluate(ref walk, n, ref leaves);
                    n = 0;
                }
            }
        }

        Evaluate(ref walk, n, ref leaves);

        // Phi = C - (k - 2) and Sigma = T - (PS(k - 1) - 1) for every leaf: their constant parts at once.
        var constant = (ulong)k - 2;
        _totals.Sums.Phi += leaves.Counts - (constant * leaves.Signs);
        _totals.Sums.Sigma += leaves.Sums - (leaves.Products * (primes.Sums[k - 1] - 1));
        _totals.Sums.W -= leaves.WeightedCounts + (leaves.Weights * constant);
        _totals.SignSum[level] += leaves.Signs;
        _totals.ProductSum[level] += leaves.Products;
        _totals.WeightSum[level] += leaves.Weights;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Gather(int i, ulong m, ulong weight, int sign, ulong v)
    {
        _leafM[i] = m;
        _leafWeight[i] = weight;
        _leafSign[i] = sign;
        _leafAt[i] = v;
    }

    /// <summary>Counts and sums what is left up to each gathered v, then adds up the leaves' terms.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Evaluate(ref Walk walk, int n, ref LevelLeaves leaves)
    {
        ref var bits = ref MemoryMarshal.GetArrayDataReference(_bits);
        ref var lefts = ref MemoryMarshal.GetArrayDataReference(_left);
        for (var i = 0; i < n; i++)
        {
            (_leafCount[i], _leafSum[i]) = walk.At(ref bits, ref lefts, _leafAt[i]);
        }

        for (var i = 0; i < n; i++)
        {
            var m = _leafM[i];
            var weight = _leafWeight[i];
            var count = _leafCount[i];
            var sum = Math.BigMul(m, _leafSum[i]);
            var weighted = Math.BigMul(weight, count);
            if (_leafSign[i] > 0)
            {
                leaves.Signs++;
                leaves.Products += m;
                leaves.Weights -= weight;
                leaves.Counts += count;
                leaves.Sums += sum;
                leaves.WeightedCounts += weighted;
            }
            else
            {
                leaves.Signs--;
                leaves.Products -= m;
                leaves.Weights += weight;
                leaves.Counts -= count;
                leaves.Sums -= sum;
                leaves.WeightedCounts -= weighted;
            }
        }
    }

    /// <summary>Files final node j under the segment of its next leaf, if this chunk holds it.</summary>
    private void Enqueue(int j, in FinalNode node)
    {
        var k = _finalAt[j];
        if (k <= node.From)
        {
            return;
        }

        var v = (ulong)((double)node.Nd / _f.Primes[k]);
        var segment = (long)((v - 1) / 2 / (ulong)_length) - _first;
        if (segment < _finalFirst.Length)
        {
            _finalLink[j] = _finalFirst[segment];
            _finalFirst[segment] = j;
        }
    }

    /// <summary>The final leaves in this segment, node by node from the list of the segment.</summary>
    private void FinalLeaves(ulong i0, ulong hi)
    {
        uint count = 0;
        ulong sum = 0;
        for (var w = 0; w < _bits.Length; w++)
        {
            _countBefore[w] = count;
            _sumBefore[w] = sum;
            count += (uint)_left[2 * w];
            sum += _left[(2 * w) + 1];
        }

        var finals = CollectionsMarshal.AsSpan(_f.Finals);
        var segment = (int)(i0 / (ulong)_length) - _first;
        var j = _finalFirst[segment];
        _finalFirst[segment] = -1;
        while (j >= 0)
        {
            var next = _finalLink[j];
            ref readonly var node = ref finals[j];
            _finalAt[j] = NodeFinalLeaves(node, _finalAt[j], i0, hi);
            Enqueue(j, node);
            j = next;
        }
    }

    /// <summary>
    /// The final leaves of a node in this segment, from level k down; returns the level it stopped at. m = d p_k,
    /// weighing P(d) - 1, or p_k - 1 below the root.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int NodeFinalLeaves(in FinalNode node, int k, ulong i0, ulong hi)
    {
        ref var primes = ref MemoryMarshal.GetArrayDataReference(_f.Primes.Primes);
        ref var primeSums = ref MemoryMarshal.GetArrayDataReference(_f.Primes.Sums);
        var left = new LastLevel(this, i0);
        var nd = (double)node.Nd;
        var first = k;
        ulong counts = 0, constants = 0, primeSum = 0, weights = 0;
        UInt128 sums = 0, primeSumsBefore = 0, weighted = 0;
        for (; k > node.From; k--)
        {
            var p = Unsafe.Add(ref primes, k);
            var v = (ulong)(nd / p);
            if (v >= hi)
            {
                break;
            }

            // Phi = C - (k - 2), Sigma = T - (PS(k - 1) - 1): each part a sum of its own, for C and T count from the
            // chunk's start and may be the smaller.
            var (count, sum) = left.At(v);
            var constant = (ulong)k - 2;
            var weight = node.D > 1 ? node.Weight : p - 1;
            counts += count;
            constants += constant;
            sums += Math.BigMul(p, sum);
            primeSumsBefore += Math.BigMul(p, Unsafe.Add(ref primeSums, k - 1) - 1);
            weighted += Math.BigMul(weight, count) - Math.BigMul(weight, constant);
            weights += weight;
            primeSum += p;
        }

        var leaves = (ulong)(first - k);
        _totals.Sums.Add(node.Sign, counts - constants, (sums - primeSumsBefore) * node.D, weighted);
        var products = (UInt128)primeSum * node.D;
        if (node.Sign > 0)
        {
            _totals.FinalSignSum += leaves;
            _totals.FinalProductSum += products;
            _totals.FinalWeightSum -= weights;
        }
        else
        {
            _totals.FinalSignSum -= leaves;
            _totals.FinalProductSum -= products;
            _totals.FinalWeightSum += weights;
        }

        return k;
    }

    /// <summary>
    /// What is left in [3, v] once every prime has struck, v in the segment: the chunk's count and sum so far, the
    /// words before v's, and v's word.
    /// </summary>
    private readonly ref struct LastLevel
    {
        private readonly ref ulong _bits;
        private readonly ref uint _countBefore;
        private readonly ref ulong _sumBefore;
        private readonly ulong _i0;
        private readonly ulong _count;
        private readonly ulong _sum;

        public LastLevel(LeafSieve sieve, ulong i0)
        {
            _bits = ref MemoryMarshal.GetArrayDataReference(sieve._bits);
            _countBefore = ref MemoryMarshal.GetArrayDataReference(sieve._countBefore);
            _sumBefore = ref MemoryMarshal.GetArrayDataReference(sieve._sumBefore);
            _i0 = i0;
            _count = sieve._totals.FinalCount;
            _sum = sieve._totals.FinalSum;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public (ulong Count, ulong Sum) At(ulong v)
        {
            var t = ((v - 1) >> 1) - _i0;
            var w = (nint)(t >> 6);
            var word = Unsafe.Add(ref _bits, w) & (ulong.MaxValue >> (int)(~t & 63));
            return (
                _count + Unsafe.Add(ref _countBefore, w) + (ulong)BitOperations.PopCount(word),
                _sum + Unsafe.Add(ref _sumBefore, w) + WordSum(word, (2 * (_i0 + (64 * (ulong)w))) + 1));
        }
    }

    /// <summary>
    /// Counts and sums what is left of a segment up to ascending values: the words before v's from their counts and
    /// sums, four at a time, then v's word up to v.
    /// </summary>
    private struct Walk(ulong i0, ulong count, ulong sum)
    {
        private nint _word;
        private ulong _count = count;
        private ulong _sum = sum;

        /// <summary>The count and the sum of what is left in [3, v], v at least the last one asked.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public (ulong Count, ulong Sum) At(ref ulong bits, ref ulong lefts, ulong v)
        {
            var t = ((v - 1) >> 1) - i0;
            var target = (nint)(t >> 6);
            if (_word < target)
            {
                var w = _word;
                var quads = Vector512<ulong>.Zero;
                for (; w + 3 < target; w += 4)
                {
                    quads += Vector512.LoadUnsafe(ref lefts, (nuint)(2 * w));
                }

                var pairs = quads.GetLower() + quads.GetUpper();
                var left = pairs.GetLower() + pairs.GetUpper();
                for (; w < target; w++)
                {
                    left += Vector128.LoadUnsafe(ref lefts, (nuint)(2 * w));
                }

                _count += left.GetElement(0);
                _sum += left.GetElement(1);
                _word = w;
            }

            var partial = Unsafe.Add(ref bits, target) & (ulong.MaxValue >> (int)(~t & 63));
            return (_count + (ulong)BitOperations.PopCount(partial), _sum + WordSum(partial, (2 * (i0 + (64 * (ulong)target))) + 1));
        }
    }

    /// <summary>The running sums of one level's hard leaves: signs, m, weights; counts, m times sums, weight times counts.</summary>
    private struct LevelLeaves
    {
        public ulong Signs;
        public UInt128 Products;
        public UInt128 Weights;
        public ulong Counts;
        public UInt128 Sums;
        public UInt128 WeightedCounts;
    }

    /// <summary>
    /// What a chunk of segments leaves: its leaves' sums counted from zero; per level, the count and the sum of what is
    /// left in it; and the sums of its leaves' signs, m and weights by level, for what the chunks before add.
    /// </summary>
    private sealed class ChunkTotals(int levels)
    {
        public LeafSums Sums;

        public ulong[] Count { get; } = new ulong[levels];

        public ulong[] Sum { get; } = new ulong[levels];

        public ulong[] SignSum { get; } = new ulong[levels];

        public UInt128[] ProductSum { get; } = new UInt128[levels];

        public UInt128[] WeightSum { get; } = new UInt128[levels];

        public ulong FinalCount;

        public ulong FinalSum;

        public ulong FinalSignSum;

        public UInt128 FinalProductSum;

        public UInt128 FinalWeightSum;
    }
}
