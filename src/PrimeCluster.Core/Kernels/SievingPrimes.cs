using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// Base primes above the presieve, each with the wheel byte of the next multiple it strikes and that multiple's place
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
                _next[k] = (p * m) + (Wheel.Offset(p, j) >> 3);
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
        var segmentEnd = segmentStart + (ulong)segment.Length;
        ref var flags = ref MemoryMarshal.GetReference(segment);
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
            var at = (nint)(next - segmentStart);
            int j = Unsafe.Add(ref placeOf, k);

            // The rest of the cycle the last segment left off in, then whole cycles, then the start of the last one.
            var struck = j == 0 ? 0 : BitOperations.PopCount(StrikeSteps(ref flags, length, q, c, ref at, ref j));
            if (j == 0 && at < length)
            {
                struck += StrikeCycles(c, ref flags, length, (nint)p, q, ref at);
                struck += BitOperations.PopCount(StrikeSteps(ref flags, length, q, c, ref at, ref j));
            }

            checks += (ulong)struck * (p - 1);
            Unsafe.Add(ref nextOf, k) = segmentStart + (ulong)at;
            Unsafe.Add(ref placeOf, k) = (byte)j;
        }

        return checks;
    }

    /// <summary>
    /// Strikes from place j at byte <paramref name="at"/> on, one place at a time, until the cycle or the segment ends;
    /// returns the bits found unstruck.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint StrikeSteps(ref byte flags, nint length, nint q, int c, ref nint at, ref int j)
    {
        uint found = 0;
        while (at < length)
        {
            var place = (8 * c) + j;
            found |= StrikeOne(ref Unsafe.Add(ref flags, at), Wheel.ClassBits[place]);
            at += (q * Wheel.ResidueSteps[j]) + Wheel.ClassSteps[place];
            j = (j + 1) & 7;
            if (j == 0)
            {
                break;
            }
        }

        return found;
    }

    /// <summary>
    /// Clears the bit <paramref name="mask"/> of a byte; returns it as it was. The byte is read apart from the clearing
    /// (a volatile read is not merged with it), so the clearing compiles to one and-to-memory as in a plain sieve.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint StrikeOne(ref byte flag, byte mask)
    {
        var found = Volatile.Read(ref flag) & (uint)mask;
        flag &= (byte)~mask;
        return found;
    }

    /// <summary>Whole cycles with the masks of class <paramref name="c"/> as constants of the loop.</summary>
    private static int StrikeCycles(int c, ref byte flags, nint length, nint p, nint q, ref nint at) => c switch
    {
        0 => StrikeCycles<Class0>(ref flags, length, p, q, ref at),
        1 => StrikeCycles<Class1>(ref flags, length, p, q, ref at),
        2 => StrikeCycles<Class2>(ref flags, length, p, q, ref at),
        3 => StrikeCycles<Class3>(ref flags, length, p, q, ref at),
        4 => StrikeCycles<Class4>(ref flags, length, p, q, ref at),
        5 => StrikeCycles<Class5>(ref flags, length, p, q, ref at),
        6 => StrikeCycles<Class6>(ref flags, length, p, q, ref at),
        _ => StrikeCycles<Class7>(ref flags, length, p, q, ref at),
    };

    /// <summary>
    /// Whole cycles of one prime's multiples, eight strikes a stride of p bytes, from place 0 at byte
    /// <paramref name="at"/> while the cycle's last strike is in the segment.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int StrikeCycles<TClass>(ref byte flags, nint length, nint p, nint q, ref nint at)
        where TClass : struct, IClassMasks
    {
        const int bits = 8;
        ref var row = ref MemoryMarshal.GetArrayDataReference(Wheel.ClassOffsetBytes);
        row = ref Unsafe.Add(ref row, 8 * TClass.Class);
        var d1 = (q * 6) + Unsafe.Add(ref row, 1);
        var d2 = (q * 10) + Unsafe.Add(ref row, 2);
        var d3 = (q * 12) + Unsafe.Add(ref row, 3);
        var d4 = (q * 16) + Unsafe.Add(ref row, 4);
        var d5 = (q * 18) + Unsafe.Add(ref row, 5);
        var d6 = (q * 22) + Unsafe.Add(ref row, 6);
        var d7 = (q * 28) + Unsafe.Add(ref row, 7);
        var limit = length - d7;
        var struck = 0;
        var i = at;
        for (; i < limit; i += p)
        {
            ref var f0 = ref Unsafe.Add(ref flags, i);
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

        at = i;
        return struck;
    }

    /// <summary>The bits a class's eight strikes of a cycle clear, one byte per place j (<see cref="Wheel.ClassMasks"/>).</summary>
    private interface IClassMasks
    {
        static abstract int Class { get; }

        static abstract ulong Masks { get; }
    }

    private readonly struct Class0 : IClassMasks
    {
        public static int Class => 0;

        public static ulong Masks => 0x8040201008040201;
    }

    private readonly struct Class1 : IClassMasks
    {
        public static int Class => 1;

        public static ulong Masks => 0x4004088001102002;
    }

    private readonly struct Class2 : IClassMasks
    {
        public static int Class => 2;

        public static ulong Masks => 0x2008800240011004;
    }

    private readonly struct Class3 : IClassMasks
    {
        public static int Class => 3;

        public static ulong Masks => 0x1080020420400108;
    }

    private readonly struct Class4 : IClassMasks
    {
        public static int Class => 4;

        public static ulong Masks => 0x0801402004028010;
    }

    private readonly struct Class5 : IClassMasks
    {
        public static int Class => 5;

        public static ulong Masks => 0x0410014002800820;
    }

    private readonly struct Class6 : IClassMasks
    {
        public static int Class => 6;

        public static ulong Masks => 0x0220100180080440;
    }

    private readonly struct Class7 : IClassMasks
    {
        public static int Class => 7;

        public static ulong Masks => 0x0102040810204080;
    }

    /// <summary>The masks the loops have as constants, for a spec to hold against the wheel.</summary>
    internal static ulong[] LoopMasks =>
    [
        Class0.Masks, Class1.Masks, Class2.Masks, Class3.Masks, Class4.Masks, Class5.Masks, Class6.Masks, Class7.Masks,
    ];
}
