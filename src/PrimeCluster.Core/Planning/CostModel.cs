using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Core.Planning;

/// <summary>
/// Rough one-core costs of counting, used to balance batches and to estimate a job before it runs.
/// Only the shape matters for balancing; the scale only decides how many batches keep each one short.
/// </summary>
public static class CostModel
{
    /// <summary>
    /// Trial division's pace on one core for numbers from 2^22 on, tested in double-precision lanes, where nearly all
    /// the checks of any job long enough to weigh are. A round figure from the kernel on this project's 2-core EPYC
    /// (Zen 4) machine: 8 to 10 G checks/s there, half its pace below 2^22 (16.6 G on [1, 200000]).
    /// </summary>
    public const double TrialChecksPerSecond = 8e9;

    /// <summary>Below 2^22 the kernel tests numbers in single-precision lanes, twice as many at a time.</summary>
    private const double SingleLaneSpeedUp = 2;

    /// <summary>
    /// What every number costs besides its own checks, in checks: the small divisors tried on whole blocks, packing
    /// survivors into lanes, the masked tails. Fitted to the kernel's time per number on ranges of small numbers.
    /// </summary>
    private const double TrialOverheadPerNumber = 330;

    private const double SieveSecondsPerNumber = 0.5e-9;

    /// <summary>Beyond the cached base primes, the sieve counts narrow windows number by number.</summary>
    private const double FactoringSecondsPerNumber = 5e-6;

    private const double SieveCachedPrimesAbove = 1UL << 52;

    /// <summary>
    /// F(n), the tally of [0, n] by the formula, takes about this times n^<see cref="FormulaExponent"/> seconds on one
    /// core: fitted to 0.02 s, 0.07 s, 1.3 s and 4.3 s for n = 10^11, 10^12, 10^14 and 10^15 on this project's machine
    /// (time about n^(2/3), less a logarithm).
    /// </summary>
    private const double FormulaSecondsPerPower = 3.5e-9;

    private const double FormulaExponent = 0.61;

    /// <summary>
    /// The expected checks trial division spends on a number near t: a prime (probability 1 / ln t) costs about t,
    /// a composite about its small smallest factor.
    /// </summary>
    public static double ExpectedChecks(double t) => t < 3 ? 1 : t / Math.Log(t) + 2;

    /// <summary>Estimated checks of [range], within a few percent for wide ranges.</summary>
    public static double EstimateChecks(NumberRange range) => new CostCurve(range, ExpectedChecks).Total;

    /// <summary>
    /// One core's trial-division pace over a whole range, in checks per second: the nominal pace, twice that for the
    /// checks of numbers in single-precision lanes. (The planner balances batches at one pace throughout.)
    /// </summary>
    public static double OneCoreTrialPace(NumberRange range)
    {
        var checks = EstimateChecks(range);
        var single = range.From < SingleLanes.ExactBelow
            ? EstimateChecks(new NumberRange(range.From, Math.Min(range.Til, SingleLanes.ExactBelow - 1)))
            : 0;
        var seconds = (single / SingleLaneSpeedUp + (checks - single)) / TrialChecksPerSecond;
        return checks / seconds;
    }

    /// <summary>Estimated seconds on one core to count the whole range.</summary>
    public static double EstimateSeconds(NumberRange range, Algorithm algorithm) => algorithm == Algorithm.Formula
        ? Math.Min(FormulaSeconds(range), EstimateSeconds(range, Algorithm.Sieve))
        : new CostCurve(range, SecondsPerNumber(algorithm, range)).Total;

    /// <summary>Estimated seconds on one core for the formula's F(til) - F(from - 1), however narrow the range.</summary>
    public static double FormulaSeconds(NumberRange range) => FormulaSecondsUpTo(range.Til) + FormulaSecondsUpTo(Math.Max(range.From, 1) - 1);

    internal static Func<double, double> SecondsPerNumber(Algorithm algorithm, NumberRange range) => algorithm switch
    {
        Algorithm.Trial => t => (ExpectedChecks(t) + TrialOverheadPerNumber) / TrialChecksPerSecond,
        Algorithm.Sieve when range.Til >= SieveCachedPrimesAbove => _ => FactoringSecondsPerNumber,
        Algorithm.Sieve => _ => SieveSecondsPerNumber,

        // Not a cost per number, but spread evenly over the range, which is one batch.
        Algorithm.Formula => _ => EstimateSeconds(range, Algorithm.Formula) / (double)range.Width,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
    };

    private static double FormulaSecondsUpTo(ulong n) => n < 2 ? 0 : FormulaSecondsPerPower * Math.Pow(n, FormulaExponent);
}
