using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// Base primes above the presieve, each with the wheel index of the next multiple it strikes and that multiple's place
/// j in its cycle (k = 30 m + Residues[j]), carried from segment to segment. A segment is a run of wheel bytes, one bit
/// per number (see <see cref="Wheel"/>): a prime p strikes eight bits in every p bytes, each at a byte offset that
/// depends on p and a bit that depends on p's class alone.
/// </summary>
internal sealed class SievingPrimes
{
    private readonly ReadOnlyMemory<uint> _primes;
    private readonly ulong[] _next;
    private readonly byte[] _place;

    /// <param name="primes">Primes above the presieve in ascending order, none beyond sqrt(til).</param>
    /// <param name="lo">The first number of the range, at least 2.</param>
    /// <param name="til">The last number of the range.</param>
    public SievingPrimes(ReadOnlyMemory<uint> primes, ulong lo, ulong til)
    {
        _primes = primes;
        _next = new ulong[primes.Length];
        _place = new byte[primes.Length];
        var span = primes.Span;
        for (var k = 0; k < span.Length; k++)
        {
            ulong p = span[k];
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
    /// Strikes every prime's multiples in the segment of wheel bytes [segmentStart, segmentStart + length); returns the
    /// checks of the numbers it struck first: p - 1 for each still unstruck when p strikes it. The eight strikes of a
    /// cycle fall on eight different bits, so what they found is one byte's worth, counted at once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ulong Strike(Span<byte> segment, ulong segmentStart)
    {
        ulong checks = 0;
        var length = (nint)segment.Length;
        var segmentEnd = 8 * (segmentStart + (ulong)segment.Length);
        ref var flags = ref MemoryMarshal.GetReference(segment);
        ref var classOffsets = ref MemoryMarshal.GetReference(Wheel.ClassOffsets);
        ref var residues = ref MemoryMarshal.GetReference(Wheel.Residues);
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
            var q = (nint)(p / Wheel.Cycle);
            var c = Wheel.ClassOf(p);
            ref var row = ref Unsafe.Add(ref classOffsets, 8 * c);
            for (var t = 0; t < 8; t++)
            {
                Unsafe.Add(ref offsets, t) = (q * Unsafe.Add(ref residues, t)) + (Unsafe.Add(ref row, t) >> 3);
            }

            var masks = Wheel.ClassMasks[c];
            int j = Unsafe.Add(ref placeOf, k);

            // The byte of the cycle's first multiple, p k for k = 30 m + 1: it may lie before the segment.
            var cycle = (nint)((next >> 3) - segmentStart) - Unsafe.Add(ref offsets, j);
            uint found = 0;

            // The rest of the cycle the last segment left off in.
            for (; j < 8 && cycle + Unsafe.Add(ref offsets, j) < length; j++)
            {
                found |= StrikeOne(ref Unsafe.Add(ref flags, cycle + Unsafe.Add(ref offsets, j)), (byte)(masks >> (8 * j)));
            }

            var struck = BitOperations.PopCount(found);
            if (j == 8)
            {
                j = 0;
                cycle += (nint)p;
                struck += StrikeCycles(c, ref flags, length, (nint)p, ref offsets, ref cycle);
                found = 0;
                for (; cycle + Unsafe.Add(ref offsets, j) < length; j++)
                {
                    found |= StrikeOne(ref Unsafe.Add(ref flags, cycle + Unsafe.Add(ref offsets, j)), (byte)(masks >> (8 * j)));
                }

                struck += BitOperations.PopCount(found);
            }

            checks += (ulong)struck * (p - 1);
            Unsafe.Add(ref nextOf, k) = (8 * (ulong)((nint)segmentStart + cycle)) + Wheel.Offset(p, j);
            Unsafe.Add(ref placeOf, k) = (byte)j;
        }

        return checks;
    }

    /// <summary>Clears the bit <paramref name="mask"/> of a byte; returns it as it was.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint StrikeOne(ref byte flag, byte mask)
    {
        var found = flag & (uint)mask;
        flag ^= (byte)found;
        return found;
    }

    /// <summary>Whole cycles with the masks of class <paramref name="c"/> as constants of the loop.</summary>
    private static int StrikeCycles(int c, ref byte flags, nint length, nint stride, ref nint offsets, ref nint cycle) => c switch
    {
        0 => StrikeCycles<Class0>(ref flags, length, stride, ref offsets, ref cycle),
        1 => StrikeCycles<Class1>(ref flags, length, stride, ref offsets, ref cycle),
        2 => StrikeCycles<Class2>(ref flags, length, stride, ref offsets, ref cycle),
        3 => StrikeCycles<Class3>(ref flags, length, stride, ref offsets, ref cycle),
        4 => StrikeCycles<Class4>(ref flags, length, stride, ref offsets, ref cycle),
        5 => StrikeCycles<Class5>(ref flags, length, stride, ref offsets, ref cycle),
        6 => StrikeCycles<Class6>(ref flags, length, stride, ref offsets, ref cycle),
        _ => StrikeCycles<Class7>(ref flags, length, stride, ref offsets, ref cycle),
    };

    /// <summary>Whole cycles of one prime's multiples, eight strikes a stride, while the cycle's last one is in the segment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int StrikeCycles<TClass>(ref byte flags, nint length, nint stride, ref nint offsets, ref nint cycle)
        where TClass : struct, IClassMasks
    {
        const int bits = 8;
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
        var struck = 0;
        for (; at < limit; at += stride)
        {
            ref var f0 = ref Unsafe.Add(ref flags, at);
            var found = StrikeOne(ref f0, (byte)TClass.Masks)
                | StrikeOne(ref Unsafe.Add(ref f0, d1), (byte)(TClass.Masks >> bits))
                | StrikeOne(ref Unsafe.Add(ref f0, d2), (byte)(TClass.Masks >> (2 * bits)))
                | StrikeOne(ref Unsafe.Add(ref f0, d3), (byte)(TClass.Masks >> (3 * bits)))
                | StrikeOne(ref Unsafe.Add(ref f0, d4), (byte)(TClass.Masks >> (4 * bits)))
                | StrikeOne(ref Unsafe.Add(ref f0, d5), (byte)(TClass.Masks >> (5 * bits)))
                | StrikeOne(ref Unsafe.Add(ref f0, d6), (byte)(TClass.Masks >> (6 * bits)))
                | StrikeOne(ref Unsafe.Add(ref f0, d7), (byte)(TClass.Masks >> (7 * bits)));
            struck += BitOperations.PopCount(found);
        }

        cycle = at - o0;
        return struck;
    }

    /// <summary>The bits a class's eight strikes of a cycle clear, one byte per place j (<see cref="Wheel.ClassMasks"/>).</summary>
    private interface IClassMasks
    {
        static abstract ulong Masks { get; }
    }

    private readonly struct Class0 : IClassMasks
    {
        public static ulong Masks => 0x8040201008040201;
    }

    private readonly struct Class1 : IClassMasks
    {
        public static ulong Masks => 0x4004088001102002;
    }

    private readonly struct Class2 : IClassMasks
    {
        public static ulong Masks => 0x2008800240011004;
    }

    private readonly struct Class3 : IClassMasks
    {
        public static ulong Masks => 0x1080020420400108;
    }

    private readonly struct Class4 : IClassMasks
    {
        public static ulong Masks => 0x0801402004028010;
    }

    private readonly struct Class5 : IClassMasks
    {
        public static ulong Masks => 0x0410014002800820;
    }

    private readonly struct Class6 : IClassMasks
    {
        public static ulong Masks => 0x0220100180080440;
    }

    private readonly struct Class7 : IClassMasks
    {
        public static ulong Masks => 0x0102040810204080;
    }

    /// <summary>The masks the loops have as constants, for a spec to hold against the wheel.</summary>
    internal static ulong[] LoopMasks =>
    [
        Class0.Masks, Class1.Masks, Class2.Masks, Class3.Masks, Class4.Masks, Class5.Masks, Class6.Masks, Class7.Masks,
    ];
}
