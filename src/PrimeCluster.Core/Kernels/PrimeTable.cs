using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// The odd primes up to a limit numbered from 1 (p_1 = 3, p_2 = 5, ...), their running sums, and how many odd primes
/// lie at or below any value up to the limit: one bit per odd number and a running count every 64 of them.
/// </summary>
internal sealed class PrimeTable
{
    private readonly ulong[] _primes;
    private readonly ulong[] _sums;
    private readonly uint[] _countBefore;
    private readonly ulong[] _isPrime;

    public PrimeTable(ulong limit)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, BasePrimes.CacheLimit);
        var odd = BasePrimes.UpTo((uint)limit).Span;
        Limit = limit;
        Count = odd.Length;

        // p_0 = 0 stands before the first; p_(Count + 1) = ulong.MaxValue ends every scan upwards.
        _primes = new ulong[Count + 2];
        _sums = new ulong[Count + 2];
        for (var k = 1; k <= Count; k++)
        {
            _primes[k] = odd[k - 1];
            _sums[k] = _sums[k - 1] + _primes[k];
        }

        _primes[Count + 1] = ulong.MaxValue;
        _sums[Count + 1] = _sums[Count];

        // Bit i of word w stands for the odd number 2 (64 w + i) + 1.
        var words = (int)(limit / 2 / 64) + 1;
        _countBefore = new uint[words];
        _isPrime = new ulong[words];
        foreach (var p in odd)
        {
            _isPrime[p / 128] |= 1UL << (int)(p / 2 % 64);
        }

        for (var w = 1; w < words; w++)
        {
            _countBefore[w] = _countBefore[w - 1] + (uint)BitOperations.PopCount(_isPrime[w - 1]);
        }
    }

    /// <summary>Pi and the prime sums are known up to here.</summary>
    public ulong Limit { get; }

    /// <summary>How many odd primes there are up to <see cref="Limit"/>.</summary>
    public int Count { get; }

    /// <summary>p_k for k = 1 .. Count, with 0 before and ulong.MaxValue after; shared, never written.</summary>
    public ulong[] Primes => _primes;

    /// <summary>p_1 + ... + p_k for k = 0 .. Count; shared, never written.</summary>
    public ulong[] Sums => _sums;

    public ulong this[int k] => _primes[k];

    /// <summary>How many odd primes are at most v, for v up to <see cref="Limit"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Pi(ulong v) => v < 3 ? 0 : PiOfOdd((v - 1) / 2);

    /// <summary>Pi of a value that may lie beyond the table, where only whether it reaches p_k matters: at most k.</summary>
    public int PiAtMost(ulong v, int k) => v >= _primes[k] ? k : Pi(v);

    /// <summary>How many odd primes are at most 2 i + 1: no branch, for the hot loops (i = 0 gives 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int PiOfOdd(ulong i)
    {
        var w = (nint)(i >> 6);
        var bits = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_isPrime), w) & (ulong.MaxValue >> (int)(~i & 63));
        return (int)Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_countBefore), w) + BitOperations.PopCount(bits);
    }
}
