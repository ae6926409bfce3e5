using System.Numerics;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// F(n), the tally of [0, n], by the combinatorial method of Deleglise and Rivat adapted to the three sums the tally
/// needs: time about n^(2/3), memory about sqrt n for the table of primes up to it (docs/formula.md). With Phi_b(v) and Sigma_b(v) the count and
/// the sum of the odd m &lt;= v that none of the first b odd primes divides, and B = pi(sqrt n) - 1,
/// <code>
/// pi(n)   = B + Phi_B(n)
/// S(n)    = 2 + p_1 + ... + p_B + Sigma_B(n) - 1
/// checks  = S(n) - 2 pi(n) + (n / 2 - 1) + sum over k &lt;= B of (p_k - 1) (Phi_(k-1)(n / p_k) - 1)
/// </code>
/// and Legendre's recursion Phi_b(v) = Phi_(b-1)(v) - Phi_(b-1)(v / p_b) (Sigma likewise, the second term times p_b),
/// unfolded down to the squarefree odd d &lt;= y (the nodes), leaves every term as sign * Phi_(k-1)(n / m) for a product
/// m = d p_k &gt; y of primes, weighted by its largest prime minus one for the checks. A leaf's value comes from
/// a closed form (trivial and tiny leaves), from the table of pi below y (easy leaves, <see cref="EasyLeaves"/>), or
/// from a segmented sieve of [1, n / y] that stops after each prime to answer the leaves of that level
/// (<see cref="LeafSieve"/>).
/// </summary>
internal sealed class DelegliseRivat
{
    /// <summary>The levels whose leaves come from <see cref="PhiTiny"/>; the sieve lays the primes 3 .. 13 by pattern.</summary>
    public const int TinyLevels = 5;

    private DelegliseRivat(ulong n, FormulaTuning tuning, int cores, CancellationToken cancellation)
    {
        N = n;
        Cancellation = cancellation;
        Parallel = new ParallelOptions { MaxDegreeOfParallelism = cores, CancellationToken = cancellation, TaskScheduler = TaskScheduler.Default };
        var root = IntegerMath.ISqrt(n);

        // y at least cbrt n, so that the root's own leaves all have p_k^2 > n / p_k; at most sqrt n, and large enough
        // that the sieve's sums stay within 64 bits (n / y < 2^32).
        var alpha = tuning.Alpha > 0 ? tuning.Alpha : DefaultAlpha(n);
        Y = Math.Clamp((ulong)(alpha * Math.Cbrt(n)), Math.Max(ICbrt(n), n >> 32), Math.Max(root, 1));

        // The sieve covers the odd numbers below n / y + 1 in segments of a power of two of them.
        var odd = (n / Y / 2) + 1;
        var segmentBits = tuning.SegmentBits > 0
            ? tuning.SegmentBits
            : Math.Clamp(64 - BitOperations.LeadingZeroCount(odd - 1), LeafSieve.MinSegmentBits, LeafSieve.MaxSegmentBits);
        SegmentLength = 1 << segmentBits;
        Segments = (int)((odd - 1) >> segmentBits) + 1;
        var end = 2 * (ulong)Segments * (ulong)SegmentLength;
        Chunks = tuning.Chunks > 0 ? Math.Min(tuning.Chunks, Segments) : Math.Min(Segments, 16 * cores);
        Primes = new PrimeTable(Math.Max(Math.Max(root, Y), IntegerMath.ISqrt(end)) + 1);
        B = Primes.Pi(root);
        Levels = Primes.Pi(IntegerMath.ISqrt(end - 1));
        Factors = new FactorTable(Y, Primes);
        Tiny = new PhiTiny(TinyLevels);
    }

    public ulong N { get; }

    /// <summary>The nodes are the squarefree odd d &lt;= Y; leaves below p_k^2 of value at most Y are easy.</summary>
    public ulong Y { get; }

    /// <summary>The odd primes up to sqrt n: B = pi(sqrt n) - 1.</summary>
    public int B { get; }

    public PrimeTable Primes { get; }

    public FactorTable Factors { get; }

    public PhiTiny Tiny { get; }

    /// <summary>The nodes whose leaves are read from the sieve's last level, found with the nodes.</summary>
    public List<FinalNode> Finals { get; } = [];

    /// <summary>The odd numbers in one segment of the sieve: a power of two.</summary>
    public int SegmentLength { get; }

    public int Segments { get; }

    public int Chunks { get; }

    /// <summary>The sieve's levels: its primes are p_1 .. p_Levels.</summary>
    public int Levels { get; }

    public ParallelOptions Parallel { get; }

    public CancellationToken Cancellation { get; }

    /// <summary>The tally of [0, n] on up to <paramref name="cores"/> cores; n at most 2^53, sqrt n within the base primes.</summary>
    public static Tally Count(ulong n, int cores, CancellationToken cancellation) => Count(n, cores, cancellation, default);

    internal static Tally Count(ulong n, int cores, CancellationToken cancellation, FormulaTuning tuning)
    {
        if (n < 2)
        {
            return Tally.Zero;
        }

        return new DelegliseRivat(n, tuning, cores, cancellation).Run();
    }

    /// <summary>y = alpha cbrt(n): more nodes cost more easy leaves, fewer a longer sieve. Fitted on 10^12 .. 10^15.</summary>
    public static double DefaultAlpha(ulong n) => Math.Max(1, Math.Pow(Math.Log10(n), 2) / 30);

    private static ulong ICbrt(ulong n)
    {
        var r = (ulong)Math.Cbrt(n);
        while (r * r * r > n)
        {
            r--;
        }

        while ((r + 1) * (r + 1) * (r + 1) <= n)
        {
            r++;
        }

        return r;
    }

    private Tally Run()
    {
        var sums = Nodes();
        Cancellation.ThrowIfCancellationRequested();
        sums.Add(EasyLeaves.Sum(this));
        sums.Add(LeafSieve.Sum(this));

        var b = (ulong)B;
        var primeSumBelowRoot = Primes.Sums[B];
        var primes = b + sums.Phi;
        var primeSum = primeSumBelowRoot + sums.Sigma + 1;
        var composites = sums.W - (primeSumBelowRoot - b) + ((N / 2) - 1);
        return new Tally(primes, primeSum - (2 * (UInt128)primes) + composites);
    }

    /// <summary>
    /// The nodes (each d's own term Phi_0(n / d)), their trivial leaves (p_k &gt; sqrt(n / d): value 1) and tiny leaves
    /// (the first levels, by <see cref="PhiTiny"/>); notes the nodes with leaves for the sieve's last level.
    /// </summary>
    private LeafSums Nodes()
    {
        var sums = default(LeafSums);
        var mus = Factors.Mu;
        for (ulong d = 1; d <= Y; d += 2)
        {
            var h = (int)(d / 2);
            var mu = mus[h];
            if (mu == 0)
            {
                continue;
            }

            var nd = N / d;
            var children = Math.Min(Factors.Smallest[h] - 1, B);
            var weight = d > 1 ? Primes[Factors.Largest[h]] - 1 : 0;

            // The node: Phi_0(v) = ceil(v / 2), Sigma_0(v) = ceil(v / 2)^2.
            var half = (nd + 1) / 2;
            sums.Add(mu, half, Math.BigMul(half, half) * d, Math.BigMul(weight, half));

            // Its leaves m = d p_k, k <= children, of sign -mu(d): those with d p_k <= y are nodes themselves.
            var sign = -mu;
            var leavesFrom = Primes.Pi(Y / d);
            var root = Primes.Pi(IntegerMath.ISqrt(nd));
            var trivialFrom = Math.Max(root, leavesFrom);
            if (children > trivialFrom)
            {
                var count = (ulong)(children - trivialFrom);
                sums.Add(sign, count, (UInt128)(Primes.Sums[children] - Primes.Sums[trivialFrom]) * d, Math.BigMul(weight, count));
            }

            for (var k = leavesFrom + 1; k <= Math.Min(Math.Min(TinyLevels, children), root); k++)
            {
                var p = Primes[k];
                var (phi, sigma) = Tiny.At(k - 1, nd / p);
                sums.Add(sign, phi, Math.BigMul(d * p, sigma), Math.BigMul(d > 1 ? weight : p - 1, phi));
            }

            // p_k <= n / (d p_k) < p_k^2 with n / (d p_k) > y: the sieve's last level holds them.
            var lower = Math.Max(Math.Max(TinyLevels, leavesFrom), Primes.Pi(ICbrt(nd)));
            var upper = Math.Min(children, root);
            var finalTo = upper > lower ? Primes.PiAtMost(nd / (Y + 1), upper) : lower;
            if (finalTo > lower)
            {
                Finals.Add(new FinalNode(d, nd, sign, lower, finalTo, weight));
            }
        }

        return sums;
    }
}

/// <summary>What tunes the method without changing its result: for tests and benchmarks.</summary>
/// <param name="Alpha">y = Alpha cbrt(n); 0 for the default.</param>
/// <param name="Chunks">How many parts the sieve is cut into; 0 for the default.</param>
/// <param name="SegmentBits">2^SegmentBits odd numbers per segment, 9 to 20; 0 for the default.</param>
internal readonly record struct FormulaTuning(double Alpha = 0, int Chunks = 0, int SegmentBits = 0);

/// <summary>A node d with leaves for the sieve's last level: levels From &lt; k &lt;= To, n / d = Nd.</summary>
internal readonly record struct FinalNode(ulong D, ulong Nd, int Sign, int From, int To, ulong Weight);
