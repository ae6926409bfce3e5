using System.Numerics;
using System.Runtime.CompilerServices;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// The article's trial division with every check performed: for each n, one divisibility test per d = 2, 3, ...
/// up to its smallest prime factor (n - 1 for a prime). Tests run in SIMD lanes, one number per lane, in single
/// precision below 2^22 and double precision below 2^50 (both exact, see <see cref="ILaneArithmetic{T}"/>), and with
/// 64-bit integer remainders elsewhere.
/// </summary>
public sealed class TrialDivisionKernel : IPrimeKernel
{
    /// <summary>Below this the plain loop costs next to nothing, and above it every number exceeds its block's small divisors.</summary>
    internal const ulong ScalarBelow = 64;

    private const int BlockWidth = 2048;

    /// <summary>Divisors tried on every number of a block before the survivors are packed into fewer vectors.</summary>
    private const ulong SmallDivisorLimit = 31;

    public static TrialDivisionKernel Instance { get; } = new();

    public Algorithm Algorithm => Algorithm.Trial;

    public Tally Count(ulong from, ulong til, CancellationToken cancellationToken = default)
    {
        var lo = Math.Max(from, 2UL);
        if (til < lo)
        {
            return Tally.Zero;
        }

        var tally = Tally.Zero;
        foreach (var (regionLast, count) in Regions())
        {
            if (lo > regionLast)
            {
                continue;
            }

            var hi = Math.Min(til, regionLast);
            tally += count(lo, hi, cancellationToken);
            if (hi == til)
            {
                break;
            }

            lo = hi + 1;
        }

        return tally;
    }

    /// <summary>The ways numbers are tested, each with the last number it takes.</summary>
    private static IEnumerable<(ulong Last, Func<ulong, ulong, CancellationToken, Tally> Count)> Regions()
    {
        yield return (ScalarBelow - 1, CountScalar);
        yield return (SingleLanes.ExactBelow - 1, BlockCounter<float, SingleLanes>.Count);
        yield return (DoubleLanes.ExactBelow - 1, BlockCounter<double, DoubleLanes>.Count);
        yield return (ulong.MaxValue, CountScalar);
    }

    /// <summary>[lo, hi] one number and one 64-bit remainder at a time.</summary>
    private static Tally CountScalar(ulong lo, ulong hi, CancellationToken cancellationToken)
    {
        ulong primes = 0;
        UInt128 checks = 0;
        for (var n = lo; ; n++)
        {
            var divisor = FirstDivisor(n, cancellationToken);
            if (divisor == 0)
            {
                primes++;
                checks += n - 2;
            }
            else
            {
                checks += divisor - 1;
            }

            if (n == hi)
            {
                return new Tally(primes, checks);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong FirstDivisor(ulong n, CancellationToken cancellationToken)
    {
        if (n < uint.MaxValue)
        {
            var m = (uint)n;
            for (uint d = 2; d < m; d++)
            {
                if (m % d == 0)
                {
                    return d;
                }
            }

            return 0;
        }

        for (ulong d = 2; d < n; d++)
        {
            if (n % d == 0)
            {
                return d;
            }

            if ((d & 0xFF_FFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        return 0;
    }

    /// <summary>Counts a region in blocks of consecutive numbers, every number of a block in its own lane.</summary>
    private sealed class BlockCounter<T, TLanes>
        where T : unmanaged, INumber<T>
        where TLanes : struct, ILaneArithmetic<T>
    {
        private readonly LaneSearch<T, TLanes> _search = new(BlockWidth);
        private readonly T[] _numbers = new T[LaneSearch<T, TLanes>.Padded(BlockWidth)];
        private readonly T[] _survivors = new T[LaneSearch<T, TLanes>.Padded(BlockWidth)];
        private readonly ulong[] _firstDivisor = new ulong[BlockWidth];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static Tally Count(ulong lo, ulong hi, CancellationToken cancellationToken)
        {
            var counter = new BlockCounter<T, TLanes>();
            var tally = Tally.Zero;
            for (var blockStart = lo; ; blockStart += BlockWidth)
            {
                var blockEnd = Math.Min(hi, blockStart + BlockWidth - 1);
                tally += counter.CountBlock(blockStart, blockEnd, cancellationToken);
                if (blockEnd == hi)
                {
                    return tally;
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private Tally CountBlock(ulong lo, ulong hi, CancellationToken cancellationToken)
        {
            var count = (int)(hi - lo + 1);
            for (var i = 0; i < count; i++)
            {
                _numbers[i] = T.CreateTruncating(lo + (ulong)i);
            }

            // Every composite n in the block has a divisor no greater than the square root of the largest n.
            var compositeBound = IntegerMath.ISqrt(hi);
            ulong primes = 0;
            ulong checks = 0;
            var phases = new[] { (From: 2UL, To: SmallDivisorLimit), (From: SmallDivisorLimit + 1, To: compositeBound), (From: compositeBound + 1, To: ulong.MaxValue) };
            var numbers = _numbers;
            var survivors = _survivors;
            foreach (var (dFrom, dTo) in phases)
            {
                _search.FindFirstDivisors(numbers, count, dFrom, dTo, _firstDivisor, cancellationToken);
                var kept = 0;
                for (var i = 0; i < count; i++)
                {
                    var divisor = _firstDivisor[i];
                    if (divisor != 0)
                    {
                        checks += divisor - 1;
                    }
                    else if (dTo == ulong.MaxValue)
                    {
                        primes++;
                        checks += ulong.CreateTruncating(numbers[i]) - 2;
                    }
                    else
                    {
                        survivors[kept++] = numbers[i];
                    }
                }

                (numbers, survivors) = (survivors, numbers);
                count = kept;
                if (count == 0)
                {
                    break;
                }
            }

            return new Tally(primes, checks);
        }
    }
}
