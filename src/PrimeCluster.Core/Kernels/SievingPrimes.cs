using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// The cached base primes above the presieve, each with the wheel index of the next multiple it strikes and that
/// multiple's place j in its cycle (k = 30 m + Residues[j]), carried from segment to segment.
/// </summary>
internal sealed class SievingPrimes
{
    private readonly ReadOnlyMemory<uint> _primes;
    private readonly ulong[] _next;
    private readonly byte[] _place;

    /// <param name="basePrimes">Odd primes in ascending order, none beyond sqrt(til).</param>
    /// <param name="presieved">The largest prime the presieve strikes.</param>
    /// <param name="lo">The first number of the range, at least 2.</param>
    /// <param name="til">The last number of the range.</param>
    public SievingPrimes(ReadOnlyMemory<uint> basePrimes, uint presieved, ulong lo, ulong til)
    {
        var start = 0;
        while (start < basePrimes.Length && basePrimes.Span[start] <= presieved)
        {
            start++;
        }

        _primes = basePrimes[start..];
        _next = new ulong[_primes.Length];
        _place = new byte[_primes.Length];
        var primes = _primes.Span;
        for (var k = 0; k < primes.Length; k++)
        {
            ulong p = primes[k];
            _next[k] = ulong.MaxValue;
            if (TryFirstMultiple(p, lo, til, out var m, out var j))
            {
                _next[k] = 8 * p * m + Wheel.Offset(p, j);
                _place[k] = (byte)j;
            }
        }
    }

    /// <summary>
    /// The first multiple p k at least max(p^2, lo) with k coprime to 30, as k = 30 m + Residues[j]; false when it
    /// would pass til.
    /// </summary>
    internal static bool TryFirstMultiple(ulong p, ulong lo, ulong til, out ulong m, out int j)
    {
        var k = Math.Max(p, lo / p + (lo % p == 0 ? 0UL : 1UL));
        var index = Wheel.IndexAtOrAfter(k);
        m = index >> 3;
        j = (int)(index & 7);
        // p k <= til, multiplied rather than divided: this runs for every base prime at every batch's start.
        return Math.BigMul(Wheel.NumberAt(index), p, out var multiple) == 0 && multiple <= til;
    }

    /// <summary>
    /// Strikes every prime's multiples in the segment of wheel indices [segmentStart, segmentStart + length); returns
    /// the checks of the numbers it struck first: p - 1 for each still unstruck when p strikes it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ulong Strike(Span<byte> segment, ulong segmentStart)
    {
        ulong checks = 0;
        var length = (nint)segment.Length;
        var segmentEnd = segmentStart + (ulong)segment.Length;
        ref var flags = ref MemoryMarshal.GetReference(segment);
        ref var classOffsets = ref MemoryMarshal.GetReference(Wheel.ClassOffsets);
        Span<nint> offsetSpan = stackalloc nint[8];
        ref var offsets = ref MemoryMarshal.GetReference(offsetSpan);
        var primes = _primes.Span;
        ref var prime = ref MemoryMarshal.GetReference(primes);
        ref var nextOf = ref MemoryMarshal.GetArrayDataReference(_next);
        ref var placeOf = ref MemoryMarshal.GetArrayDataReference(_place);
        for (nint k = 0; k < primes.Length; k++)
        {
            var next = Unsafe.Add(ref nextOf, k);
            if (next >= segmentEnd)
            {
                continue;
            }

            ulong p = Unsafe.Add(ref prime, k);
            var stride = (nint)(8 * p);
            var q8 = (nint)(8 * (p / Wheel.Cycle));
            ref var row = ref Unsafe.Add(ref classOffsets, 8 * Wheel.ClassOf(p));
            for (var t = 0; t < 8; t++)
            {
                Unsafe.Add(ref offsets, t) = (q8 * Wheel.Residues[t]) + Unsafe.Add(ref row, t);
            }

            int j = Unsafe.Add(ref placeOf, k);

            // The index of the cycle's first multiple, p k for k = 30 m + 1: it may lie before the segment.
            var cycle = (nint)(next - segmentStart) - Unsafe.Add(ref offsets, j);
            nint struck = 0;

            // The rest of the cycle the last segment left off in.
            for (; j < 8 && cycle + Unsafe.Add(ref offsets, j) < length; j++)
            {
                ref var flag = ref Unsafe.Add(ref flags, cycle + Unsafe.Add(ref offsets, j));
                struck += flag;
                flag = 0;
            }

            if (j == 8)
            {
                j = 0;
                cycle += stride;
                struck += StrikeCycles(ref flags, length, stride, ref offsets, ref cycle);
                for (; cycle + Unsafe.Add(ref offsets, j) < length; j++)
                {
                    ref var flag = ref Unsafe.Add(ref flags, cycle + Unsafe.Add(ref offsets, j));
                    struck += flag;
                    flag = 0;
                }
            }

            checks += (ulong)struck * (p - 1);
            Unsafe.Add(ref nextOf, k) = segmentStart + (ulong)(cycle + Unsafe.Add(ref offsets, j));
            Unsafe.Add(ref placeOf, k) = (byte)j;
        }

        return checks;
    }

    /// <summary>Whole cycles of one prime's multiples, eight strikes a stride, while the cycle's last one is in the segment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint StrikeCycles(ref byte flags, nint length, nint stride, ref nint offsets, ref nint cycle)
    {
        var o0 = offsets;
        var d1 = Unsafe.Add(ref offsets, 1) - o0;
        var d2 = Unsafe.Add(ref offsets, 2) - o0;
        var d3 = Unsafe.Add(ref offsets, 3) - o0;
        var d4 = Unsafe.Add(ref offsets, 4) - o0;
        var d5 = Unsafe.Add(ref offsets, 5) - o0;
        var d6 = Unsafe.Add(ref offsets, 6) - o0;
        var d7 = Unsafe.Add(ref offsets, 7) - o0;
        var at = cycle + o0;
        var limit = length - d7;
        nint struck = 0;
        for (; at < limit; at += stride)
        {
            ref var f0 = ref Unsafe.Add(ref flags, at);
            struck += f0 + Unsafe.Add(ref f0, d1) + Unsafe.Add(ref f0, d2) + Unsafe.Add(ref f0, d3)
                + Unsafe.Add(ref f0, d4) + Unsafe.Add(ref f0, d5) + Unsafe.Add(ref f0, d6) + Unsafe.Add(ref f0, d7);
            f0 = 0;
            Unsafe.Add(ref f0, d1) = 0;
            Unsafe.Add(ref f0, d2) = 0;
            Unsafe.Add(ref f0, d3) = 0;
            Unsafe.Add(ref f0, d4) = 0;
            Unsafe.Add(ref f0, d5) = 0;
            Unsafe.Add(ref f0, d6) = 0;
            Unsafe.Add(ref f0, d7) = 0;
        }

        cycle = at - o0;
        return struck;
    }
}
