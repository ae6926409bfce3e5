using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// The primes just above the presieve strike a segment 32 bytes (960 numbers) at a time instead of one multiple at a
/// time: each has a pattern of its multiples, one period of p bytes, which is anded into the flags while the bits it
/// clears are counted. A composite's smallest prime factor is p exactly when it is a multiple of p that no smaller
/// prime has struck, so in ascending order the count is the numbers p strikes first, with no load-add-store per
/// multiple. Worth it while a prime strikes several times in 32 bytes; the larger ones strike one by one.
/// </summary>
internal static class PatternedPrimes
{
    /// <summary>
    /// Primes up to here strike by patterns: 30 primes, 7 KB of patterns. Up to 100 or 300 took 3% and 6% longer on
    /// [0, 10^9], as the 64 bytes a prime goes through at a time cost about as much as 3 strikes.
    /// </summary>
    public const uint Limit = 173;

    private static readonly (uint P, byte[] Pattern)[] Primes = BasePrimes.OddPrimesUpTo(Limit)
        .Where(p => p > Presieve.LargestPrime)
        .Select(p => (p, CreatePattern(p)))
        .ToArray();

    /// <summary>Patterns need 256-bit byte shuffles to count the bits they clear.</summary>
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>
    /// Strikes the multiples of every patterned prime in the block of wheel bytes starting at <paramref name="blockStart"/>,
    /// after the presieve and before any larger prime; returns the checks of the numbers each struck first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Strike(Span<byte> block, ulong blockStart)
    {
        ulong checks = 0;
        foreach (var (p, pattern) in Primes)
        {
            // A pattern strikes p itself too, which is prime: its bit, if the block holds it unstruck, is set again.
            var own = p / Wheel.Cycle - blockStart;
            var ownBit = (byte)(1 << Wheel.ClassOf(p));
            var ownUnstruck = p / Wheel.Cycle >= blockStart && own < (ulong)block.Length && (block[(int)own] & ownBit) != 0;
            var struck = StrikePattern(block, pattern, (int)(blockStart % p), (int)p);
            if (ownUnstruck)
            {
                block[(int)own] |= ownBit;
                struck--;
            }

            checks += struck * (p - 1);
        }

        return checks;
    }

    /// <summary>Ands the pattern, from its byte <paramref name="at"/> on, into the flags; returns the bits it cleared.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong StrikePattern(Span<byte> block, byte[] pattern, int at, int p)
    {
        var bitCounts = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var nibble = Vector256.Create((byte)0x0F);
        ref var flags = ref MemoryMarshal.GetReference(block);
        ref var multiples = ref MemoryMarshal.GetArrayDataReference(pattern);
        var length = block.Length;
        ulong struck = 0;
        var i = 0;
        if (Avx512BW.IsSupported)
        {
            var bitCounts512 = Vector512.Create(bitCounts, bitCounts);
            var nibble512 = Vector512.Create((byte)0x0F);
            while (i + Vector512<byte>.Count <= length)
            {
                var sums = Vector512<byte>.Zero;
                for (var round = 0; round < 31 && i + Vector512<byte>.Count <= length; round++, i += Vector512<byte>.Count)
                {
                    var unstruck = Vector512.LoadUnsafe(ref flags, (nuint)i);
                    var found = unstruck & Vector512.LoadUnsafe(ref multiples, (nuint)at);
                    (unstruck ^ found).StoreUnsafe(ref flags, (nuint)i);
                    sums += Avx512BW.Shuffle(bitCounts512, found & nibble512) + Avx512BW.Shuffle(bitCounts512, Vector512.ShiftRightLogical(found.AsUInt16(), 4).AsByte() & nibble512);
                    at += Vector512<byte>.Count;
                    at -= at >= p ? p : 0;
                    at -= at >= p ? p : 0;
                }

                struck += Vector512.Sum(Avx512BW.SumAbsoluteDifferences(sums, Vector512<byte>.Zero).AsUInt64());
            }
        }

        while (i + Vector256<byte>.Count <= length)
        {
            // Each byte of the sums gains at most 8 a round: 31 rounds before they could overflow.
            var sums = Vector256<byte>.Zero;
            for (var round = 0; round < 31 && i + Vector256<byte>.Count <= length; round++, i += Vector256<byte>.Count)
            {
                var unstruck = Vector256.LoadUnsafe(ref flags, (nuint)i);
                var found = unstruck & Vector256.LoadUnsafe(ref multiples, (nuint)at);
                (unstruck ^ found).StoreUnsafe(ref flags, (nuint)i);
                sums += Avx2.Shuffle(bitCounts, found & nibble) + Avx2.Shuffle(bitCounts, Vector256.ShiftRightLogical(found.AsUInt16(), 4).AsByte() & nibble);
                at += Vector256<byte>.Count;
                if (at >= p)
                {
                    at -= p;
                }
            }

            struck += Vector256.Sum(Avx2.SumAbsoluteDifferences(sums, Vector256<byte>.Zero).AsUInt64());
        }

        for (; i < length; i++)
        {
            var found = Unsafe.Add(ref flags, i) & Unsafe.Add(ref multiples, at);
            Unsafe.Add(ref flags, i) ^= (byte)found;
            struck += (ulong)BitOperations.PopCount((uint)found);
            if (++at == p)
            {
                at = 0;
            }
        }

        return struck;
    }

    /// <summary>One period of p's multiples on the wheel, p bytes, and a vector's worth more so that any start reads whole.</summary>
    private static byte[] CreatePattern(uint p)
    {
        var pattern = new byte[p + Vector512<byte>.Count];
        for (var x = 0; x < pattern.Length; x++)
        {
            for (var j = 0; j < 8; j++)
            {
                if (((ulong)Wheel.Cycle * (ulong)x + Wheel.Residues[j]) % p == 0)
                {
                    pattern[x] |= (byte)(1 << j);
                }
            }
        }

        return pattern;
    }
}
