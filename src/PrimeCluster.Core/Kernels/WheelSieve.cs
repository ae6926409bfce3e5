using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// The numbers coprime to 30 in [lo, til], segment by segment, one bit each and a byte for every thirty numbers (see
/// <see cref="Wheel"/>). A bit is 1 while its number is unstruck; a prime finds which of its strikes come first by
/// the bits it clears; what survives is prime. Segments start on a byte, so a segment's byte i stands for the cycle
/// segmentStart + i.
/// </summary>
internal sealed class WheelSieve
{
    /// <summary>
    /// Bytes per segment: 7.9 million numbers in 256 KB, at home in L2 while the larger primes stride through it.
    /// Every base prime visits every segment, so smaller segments cost more visits (128 KB took 3% longer on [0, 10^9]).
    /// </summary>
    private const int SegmentBytes = 1 << 18;

    /// <summary>
    /// The primes that strike many times a segment do it one L1-sized block (983,040 numbers) at a time: every strike
    /// of theirs stays in L1, where the rest stride through L2.
    /// </summary>
    private const int BlockBytes = 1 << 15;

    /// <summary>
    /// Primes below this strike block by block, 16 or more cycles of theirs in each: a larger prime's visit to a block
    /// costs more than its few strikes there save.
    /// </summary>
    private const uint BlockPrimeLimit = 2048;

    /// <summary>Past the cached base primes, segments are larger, to spread the cost of producing the base primes.</summary>
    private const int LargeSegmentBytes = 1 << 21;

    private readonly ulong _lo;
    private readonly ulong _til;
    private readonly ulong _sqrtTil;
    private readonly bool _vectorized;

    /// <param name="lo">The first number of the range, at least 2.</param>
    /// <param name="til">The last number of the range.</param>
    /// <param name="vectorized">
    /// Whether to use the vector instructions the processor has; without them every prime strikes one multiple at a
    /// time and survivors are counted byte by byte, as on processors that lack them.
    /// </param>
    public WheelSieve(ulong lo, ulong til, bool vectorized = true)
    {
        _lo = lo;
        _til = til;
        _sqrtTil = IntegerMath.ISqrt(til);
        _vectorized = vectorized;
    }

    /// <summary>The tally of the numbers coprime to 30 in the range, but for multiples of the presieved primes.</summary>
    /// <remarks>
    /// The per-segment methods are compiled fully optimized at once: in a process that has just started, tiered
    /// compilation would keep them at tier 0 through a job's first batches.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tally Count(CancellationToken cancellationToken)
    {
        var firstIndex = Wheel.IndexAtOrAfter(_lo);
        var lastIndex = Wheel.IndexAtOrBefore(_til);
        if (lastIndex < firstIndex)
        {
            return Tally.Zero;
        }

        var (firstByte, lastByte) = (firstIndex >> 3, lastIndex >> 3);
        var uncached = _sqrtTil > BasePrimes.CacheLimit;
        var segment = new byte[(int)Math.Min((ulong)(uncached ? LargeSegmentBytes : SegmentBytes), lastByte - firstByte + 1)];
        var basePrimes = BasePrimes.UpTo((uint)Math.Min(_sqrtTil, BasePrimes.CacheLimit));
        var patterned = _vectorized && PatternedPrimes.IsSupported;
        var first = CountAtMost(basePrimes.Span, patterned ? PatternedPrimes.Limit : Presieve.LargestPrime);
        var wholeFirst = Math.Max(first, CountAtMost(basePrimes.Span, BlockPrimeLimit - 1));
        var inBlocks = new SievingPrimes(basePrimes[first..wholeFirst], _lo, _til);
        var whole = new SievingPrimes(basePrimes[wholeFirst..], _lo, _til);

        var tally = Tally.Zero;
        for (var segmentStart = firstByte; ; segmentStart += (ulong)segment.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var flags = segment.AsSpan(0, (int)Math.Min((ulong)segment.Length, lastByte - segmentStart + 1));
            Presieve.Fill(flags, segmentStart);

            // The numbers of the first and last byte outside [lo, til].
            if (segmentStart == firstByte)
            {
                flags[0] &= (byte)(byte.MaxValue << (int)(firstIndex & 7));
            }

            var isLast = segmentStart + (ulong)flags.Length - 1 == lastByte;
            if (isLast)
            {
                flags[^1] &= (byte)(byte.MaxValue >> (7 - (int)(lastIndex & 7)));
            }

            UInt128 checks = 0;
            for (var offset = 0; offset < flags.Length; offset += BlockBytes)
            {
                var block = flags.Slice(offset, Math.Min(BlockBytes, flags.Length - offset));
                var blockStart = segmentStart + (ulong)offset;
                checks += (patterned ? PatternedPrimes.Strike(block, blockStart) : 0) + inBlocks.Strike(block, blockStart);
            }

            checks += whole.Strike(flags, segmentStart);
            if (uncached)
            {
                checks += StrikeUncached(flags, segmentStart, cancellationToken);
            }

            tally += new Tally(0, checks) + CountSurvivors(flags, segmentStart, _vectorized && Avx2.IsSupported);
            if (isLast)
            {
                return tally;
            }
        }
    }

    /// <summary>How many of the ascending primes are at most <paramref name="limit"/>.</summary>
    private static int CountAtMost(ReadOnlySpan<uint> primes, uint limit)
    {
        var index = primes.BinarySearch(limit);
        return index >= 0 ? index + 1 : ~index;
    }

    /// <summary>Strikes the primes in (CacheLimit, sqrt(til)], produced afresh for every segment.</summary>
    private UInt128 StrikeUncached(Span<byte> segment, ulong segmentStart, CancellationToken cancellationToken)
    {
        UInt128 checks = 0;
        var first = Wheel.NumberAt(8 * segmentStart);
        var last = Wheel.NumberAt((8 * (segmentStart + (ulong)segment.Length)) - 1);
        foreach (var window in BasePrimes.Windows(BasePrimes.CacheLimit, _sqrtTil, 1 << 22))
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var prime in window.Span)
            {
                ulong p = prime;
                var kLimit = last / p;
                if (kLimit < p)
                {
                    return checks;
                }

                ulong struck = 0;
                var k = Math.Max(p, first / p + (first % p == 0 ? 0UL : 1UL));
                for (var index = Wheel.IndexAtOrAfter(k); Wheel.NumberAt(index) <= kLimit; index++)
                {
                    var at = Wheel.IndexOf(p * Wheel.NumberAt(index)) - (8 * segmentStart);
                    ref var flag = ref segment[(int)(at >> 3)];
                    var bit = (int)(at & 7);
                    struck += (ulong)(flag >> bit) & 1;
                    flag &= (byte)~(1 << bit);
                }

                checks += (UInt128)struck * (p - 1);
            }
        }

        return checks;
    }

    /// <summary>Unstruck numbers are the primes: each costs n - 2 checks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Tally CountSurvivors(Span<byte> segment, ulong segmentStart, bool vectorized)
    {
        var (count, cycles, residues, counted) = vectorized ? CountBlocks(segment) : (0UL, 0UL, 0UL, 0);
        for (var i = counted; i < segment.Length; i++)
        {
            uint flags = segment[i];
            var survivors = (ulong)BitOperations.PopCount(flags);
            count += survivors;
            cycles += survivors * (ulong)i;
            for (; flags != 0; flags &= flags - 1)
            {
                residues += Wheel.Residues[BitOperations.TrailingZeroCount(flags)];
            }
        }

        // Survivor j of byte i is n = 30 (segmentStart + i) + Residues[j].
        var sum = Wheel.Cycle * ((UInt128)count * segmentStart + cycles) + residues;
        return new Tally(count, sum - 2 * (UInt128)count);
    }

    /// <summary>
    /// Survivors of whole 32-byte blocks: their count, the sum of their bytes' places within the segment, the sum of
    /// their residues, and how many bytes that covered. Two table look-ups per byte, one for each nibble, give its
    /// survivors and their residues; byte sums (psadbw) add them up, and the places come from running sums across
    /// blocks and a multiply-add within each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (ulong Count, ulong Cycles, ulong Residues, int Counted) CountBlocks(Span<byte> segment)
    {
        var bitCounts = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var lowResidues = Vector256.Create((byte)0, 1, 7, 8, 11, 12, 18, 19, 13, 14, 20, 21, 24, 25, 31, 32, 0, 1, 7, 8, 11, 12, 18, 19, 13, 14, 20, 21, 24, 25, 31, 32);
        var highResidues = Vector256.Create((byte)0, 17, 19, 36, 23, 40, 42, 59, 29, 46, 48, 65, 52, 69, 71, 88, 0, 17, 19, 36, 23, 40, 42, 59, 29, 46, 48, 65, 52, 69, 71, 88);
        var places = Vector256.Create((sbyte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
        var nibble = Vector256.Create((byte)0x0F);
        ref var flags = ref MemoryMarshal.GetReference(segment);
        var blocks = segment.Length / Vector256<byte>.Count;
        var counts = Vector256<ulong>.Zero;
        var runningCounts = Vector256<ulong>.Zero;
        var residueSums = Vector256<ulong>.Zero;
        var placeSums = Vector256<int>.Zero;
        for (var b = 0; b < blocks; b++)
        {
            var block = Vector256.LoadUnsafe(ref flags, (nuint)(b * Vector256<byte>.Count));
            var low = block & nibble;
            var high = Vector256.ShiftRightLogical(block.AsUInt16(), 4).AsByte() & nibble;
            var survivors = Avx2.Shuffle(bitCounts, low) + Avx2.Shuffle(bitCounts, high);
            counts += Avx2.SumAbsoluteDifferences(survivors, Vector256<byte>.Zero).AsUInt64();
            runningCounts += counts;
            residueSums += Avx2.SumAbsoluteDifferences(Avx2.Shuffle(lowResidues, low) + Avx2.Shuffle(highResidues, high), Vector256<byte>.Zero).AsUInt64();
            placeSums += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(survivors, places), Vector256<short>.One);
        }

        // Byte p of block b has place 32 b + p; the sum over b of b c_b = blocks * counts - runningCounts.
        var count = Vector256.Sum(counts);
        var cycles = (32 * (((ulong)blocks * count) - Vector256.Sum(runningCounts))) + (ulong)Vector256.Sum(placeSums);
        return (count, cycles, Vector256.Sum(residueSums), blocks * Vector256<byte>.Count);
    }
}
