using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// The numbers coprime to 30 in [lo, til], segment by segment, one byte each (see <see cref="Wheel"/>). A flag is 1
/// while its number is unstruck, so striking and counting in one go is a load, an add and a store; what survives is
/// prime. Segments start on a cycle, so a segment's byte i stands for the same residue as its index.
/// </summary>
internal sealed class WheelSieve
{
    /// <summary>
    /// Bytes per segment: 983,040 numbers, at home in L2 while the primes stride through it. Every base prime visits
    /// every segment, so smaller segments cost more visits (64 KB took a fifth longer on [0, 10^9]).
    /// </summary>
    private const int SegmentBytes = 1 << 18;

    /// <summary>Past the cached base primes, segments are larger, to spread the cost of producing the base primes.</summary>
    private const int LargeSegmentBytes = 1 << 24;

    private readonly ulong _lo;
    private readonly ulong _til;
    private readonly ulong _sqrtTil;

    /// <param name="lo">The first number of the range, at least 2.</param>
    /// <param name="til">The last number of the range.</param>
    public WheelSieve(ulong lo, ulong til)
    {
        _lo = lo;
        _til = til;
        _sqrtTil = IntegerMath.ISqrt(til);
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

        var uncached = _sqrtTil > BasePrimes.CacheLimit;
        var start = firstIndex & ~7UL;
        var segment = new byte[(int)Math.Min((ulong)(uncached ? LargeSegmentBytes : SegmentBytes), lastIndex - start + 1)];
        var striking = new SievingPrimes(BasePrimes.UpTo((uint)Math.Min(_sqrtTil, BasePrimes.CacheLimit)), Presieve.LargestPrime, _lo, _til);

        var tally = Tally.Zero;
        for (var segmentStart = start; ; segmentStart += (ulong)segment.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var flags = segment.AsSpan(0, (int)Math.Min((ulong)segment.Length, lastIndex - segmentStart + 1));
            Presieve.Fill(flags, segmentStart);
            if (segmentStart < firstIndex)
            {
                flags[..(int)(firstIndex - segmentStart)].Clear();
            }

            var checks = (UInt128)striking.Strike(flags, segmentStart);
            if (uncached)
            {
                checks += StrikeUncached(flags, segmentStart, cancellationToken);
            }

            tally += new Tally(0, checks) + CountSurvivors(flags, segmentStart);
            if (segmentStart + (ulong)flags.Length - 1 == lastIndex)
            {
                return tally;
            }
        }
    }

    /// <summary>Strikes the primes in (CacheLimit, sqrt(til)], produced afresh for every segment.</summary>
    private UInt128 StrikeUncached(Span<byte> segment, ulong segmentStart, CancellationToken cancellationToken)
    {
        UInt128 checks = 0;
        var first = Wheel.NumberAt(segmentStart);
        var last = Wheel.NumberAt(segmentStart + (ulong)segment.Length - 1);
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
                    ref var flag = ref segment[(int)(Wheel.IndexOf(p * Wheel.NumberAt(index)) - segmentStart)];
                    struck += flag;
                    flag = 0;
                }

                checks += (UInt128)struck * (p - 1);
            }
        }

        return checks;
    }

    /// <summary>Unstruck numbers are the primes: each costs n - 2 checks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Tally CountSurvivors(Span<byte> segment, ulong segmentStart)
    {
        var (count, cycles, residues, counted) = Avx2.IsSupported ? CountBlocks(segment) : (0UL, 0UL, 0UL, 0);
        for (var i = counted; i < segment.Length; i++)
        {
            if (segment[i] != 0)
            {
                count++;
                cycles += (ulong)i >> 3;
                residues += Wheel.Residues[i & 7];
            }
        }

        // Survivor at byte i is n = 30 (segmentStart / 8 + i / 8) + Residues[i % 8].
        var sum = Wheel.Cycle * ((UInt128)count * (segmentStart >> 3) + cycles) + residues;
        return new Tally(count, sum - 2 * (UInt128)count);
    }

    /// <summary>
    /// Survivors of whole 32-byte blocks, four cycles each: their count, the sum of their cycles within the segment,
    /// the sum of their residues, and how many bytes that covered. One byte sum per cycle (psadbw) gives both the count
    /// and, over the flags masked to their residues, the residues' sum; the cycles' sum comes from running sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (ulong Count, ulong Cycles, ulong Residues, int Counted) CountBlocks(Span<byte> segment)
    {
        var residues = Vector256.Create((byte)1, 7, 11, 13, 17, 19, 23, 29, 1, 7, 11, 13, 17, 19, 23, 29, 1, 7, 11, 13, 17, 19, 23, 29, 1, 7, 11, 13, 17, 19, 23, 29);
        ref var flags = ref MemoryMarshal.GetReference(segment);
        var blocks = segment.Length / Vector256<byte>.Count;
        var counts = Vector256<ulong>.Zero;
        var runningCounts = Vector256<ulong>.Zero;
        var residueSums = Vector256<ulong>.Zero;
        for (var b = 0; b < blocks; b++)
        {
            var block = Vector256.LoadUnsafe(ref flags, (nuint)(b * Vector256<byte>.Count));
            counts += Avx2.SumAbsoluteDifferences(block, Vector256<byte>.Zero).AsUInt64();
            runningCounts += counts;
            residueSums += Avx2.SumAbsoluteDifferences((Vector256<byte>.Zero - block) & residues, Vector256<byte>.Zero).AsUInt64();
        }

        // Lane l of block b holds cycle 4 b + l; sum over b of b c_b = blocks * counts - runningCounts.
        ulong count = 0;
        ulong cycles = 0;
        for (var lane = 0; lane < Vector256<ulong>.Count; lane++)
        {
            count += counts[lane];
            cycles += 4 * ((ulong)blocks * counts[lane] - runningCounts[lane]) + (ulong)lane * counts[lane];
        }

        return (count, cycles, Vector256.Sum(residueSums), blocks * Vector256<byte>.Count);
    }
}
