namespace PrimeCluster.Core.Planning;

/// <summary>
/// Rough one-core costs of counting, used to balance batches and to estimate a job before it runs.
/// Only the shape matters for balancing; the scale only decides how many batches keep each one short.
/// </summary>
public static class CostModel
{
    /// <summary>Trial division's pace on one core, a round figure below what the benchmarks measure.</summary>
    public const double TrialChecksPerSecond = 8e9;

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
    /// The expected checks trial division spends on a number near t: a prime (probability 1 / ln t) costs about t,
    /// a composite about its small smallest factor.
    /// </summary>
    public static double ExpectedChecks(double t) => t < 3 ? 1 : t / Math.Log(t) + 2;

    /// <summary>Estimated checks of [range], within a few percent for wide ranges.</summary>
    public static double EstimateChecks(NumberRange range) => new CostCurve(range, ExpectedChecks).Total;

    /// <summary>Estimated seconds on one core to count the whole range.</summary>
    public static double EstimateSeconds(NumberRange range, Algorithm algorithm) =>
        new CostCurve(range, SecondsPerNumber(algorithm, range)).Total;

    internal static Func<double, double> SecondsPerNumber(Algorithm algorithm, NumberRange range) => algorithm switch
    {
        Algorithm.Trial => t => (ExpectedChecks(t) + TrialOverheadPerNumber) / TrialChecksPerSecond,
        Algorithm.Sieve when range.Til >= SieveCachedPrimesAbove => _ => FactoringSecondsPerNumber,
        Algorithm.Sieve => _ => SieveSecondsPerNumber,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
    };
}
