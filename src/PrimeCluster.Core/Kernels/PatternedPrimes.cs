using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    /// Primes up to here strike by patterns: 30 primes, 7 KB of patterns. The 64 bytes a prime goes through at a time
    /// cost about as much as 2 or 3 strikes, so a prime above this, with fewer strikes in them, gains nothing (up to
    /// 300 and 500 took 3% and 15% longer on [0, 10^9]).
    /// </summary>
    public const uint Limit = 173;

    private static readonly (uint P, byte[] Pattern)[] Primes = BasePrimes.OddPrimesUpTo(Limit)
        .Where(p => p > Presieve.LargestPrime)
        .Select(p => (p, CreatePattern(p)))
        .ToArray();

    /// <summary>Patterns are worth it where 256-bit vectors are.</summary>
    public static bool IsSupported => Vector256.IsHardwareAccelerated;

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

    /// <summary>
    /// Ands the pattern, from its byte <paramref name="at"/> on, into the flags; returns the bits it cleared. A byte
    /// spans 30 numbers, so it holds at most one multiple of p: the bits cleared are the bytes that lost one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong StrikePattern(Span<byte> block, byte[] pattern, int at, int p)
    {
        ref var flags = ref MemoryMarshal.GetReference(block);
        ref var multiples = ref MemoryMarshal.GetArrayDataReference(pattern);
        var length = block.Length;
        ulong struck = 0;
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + Vector512<byte>.Count <= length; i += Vector512<byte>.Count)
            {
                var unstruck = Vector512.LoadUnsafe(ref flags, (nuint)i);
                var found = unstruck & Vector512.LoadUnsafe(ref multiples, (nuint)at);
                (unstruck ^ found).StoreUnsafe(ref flags, (nuint)i);
                struck += (ulong)BitOperations.PopCount(~Vector512.Equals(found, Vector512<byte>.Zero).ExtractMostSignificantBits());

                // p is above 32, so two subtractions at most bring at back into the period; the pattern reads a vector past it.
                at += Vector512<byte>.Count;
                at -= at >= p ? p : 0;
                at -= at >= p ? p : 0;
            }
        }

        for (; i + Vector256<byte>.Count <= length; i += Vector256<byte>.Count)
        {
            var unstruck = Vector256.LoadUnsafe(ref flags, (nuint)i);
            var found = unstruck & Vector256.LoadUnsafe(ref multiples, (nuint)at);
            (unstruck ^ found).StoreUnsafe(ref flags, (nuint)i);
            struck += (ulong)BitOperations.PopCount(~Vector256.Equals(found, Vector256<byte>.Zero).ExtractMostSignificantBits());
            at += Vector256<byte>.Count;
            at -= at >= p ? p : 0;
        }

        for (; i < length; i++)
        {
            var found = Unsafe.Add(ref flags, i) & Unsafe.Add(ref multiples, at);
            Unsafe.Add(ref flags, i) ^= (byte)found;
            struck += found != 0 ? 1UL : 0UL;
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
