using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Testing;

/// <summary>
/// A worker's kernel gone bad, for tests only: it answers at once with a made-up tally, or computes honestly and gets
/// its first answers, or a share of its answers chosen by a random sequence of a fixed seed, wrong (one prime too many).
/// </summary>
public sealed class LyingKernel : IPrimeKernel
{
    private readonly IPrimeKernel? _honest;
    private readonly double _lieShare;
    private readonly Random _random;
    private readonly int _firstLies;
    private readonly Lock _lock = new();
    private int _lies;

    private LyingKernel(Algorithm algorithm, IPrimeKernel? honest, double lieShare, int seed, int firstLies = 0)
    {
        Algorithm = algorithm;
        _honest = honest;
        _lieShare = lieShare;
        _random = new Random(seed);
        _firstLies = firstLies;
    }

    public Algorithm Algorithm { get; }

    /// <summary>How many wrong tallies it has given.</summary>
    public int Lies => Volatile.Read(ref _lies);

    /// <summary>Computes nothing and always answers (7, 7), as fast as it is asked.</summary>
    public static LyingKernel Instant(Algorithm algorithm) => new(algorithm, honest: null, lieShare: 1, seed: 0);

    /// <summary>Computes honestly, then gets <paramref name="lieShare"/> of its answers wrong.</summary>
    public static LyingKernel Sometimes(Algorithm algorithm, double lieShare, int seed) => new(algorithm, PrimeKernels.For(algorithm), lieShare, seed);

    /// <summary>Computes honestly, and gets its first <paramref name="count"/> answers wrong, whichever worker asks.</summary>
    public static LyingKernel First(Algorithm algorithm, int count) => new(algorithm, PrimeKernels.For(algorithm), lieShare: 0, seed: 0, count);

    /// <summary>A node's kernels: this liar for its algorithm, the real kernel for the other.</summary>
    public Func<Algorithm, IPrimeKernel> AsSource() => algorithm => algorithm == Algorithm ? this : PrimeKernels.For(algorithm);

    public Tally Count(ulong from, ulong til, CancellationToken cancellationToken = default)
    {
        if (_honest is null)
        {
            Interlocked.Increment(ref _lies);
            return new Tally(7, 7);
        }

        var tally = _honest.Count(from, til, cancellationToken);
        lock (_lock)
        {
            if (_lies >= _firstLies && _random.NextDouble() >= _lieShare)
            {
                return tally;
            }

            Interlocked.Increment(ref _lies);
        }

        return tally with { PrimeCount = tally.PrimeCount + 1 };
    }
}
