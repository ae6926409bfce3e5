using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Core.Planning;

/// <summary>
/// What a trial-division job costs: its checks (exact when the sieve can count them quickly, else estimated) and how
/// long they take at a given pace. Trial division grows with the square of the range, so this is what a cost guard
/// weighs before a job starts.
/// </summary>
public sealed record TrialCost(NumberRange Range, double Checks, bool Exact, double ChecksPerSecond)
{
    public double Seconds => Checks / ChecksPerSecond;

    /// <param name="exactWithin">Count the checks exactly with the sieve when that takes at most this long on one core.</param>
    public static TrialCost Of(NumberRange range, double checksPerSecond, TimeSpan exactWithin)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(checksPerSecond);
        var exact = CostModel.EstimateSeconds(range, Algorithm.Sieve) <= exactWithin.TotalSeconds;
        var checks = exact ? (double)SieveKernel.Instance.Count(range.From, range.Til).CheckCount : CostModel.EstimateChecks(range);
        return new TrialCost(range, checks, exact, checksPerSecond);
    }

    /// <summary>What the job would take and what gives the same answer soonest, in one sentence for people.</summary>
    public string Describe()
    {
        var (faster, seconds) = Fastest(Range);
        return $"this trial job performs {(Exact ? string.Empty : "about ")}{Format.Scaled(Checks)} checks: about "
            + $"{Format.Duration(Seconds)} at {Format.Rate(ChecksPerSecond)} checks/s. --algorithm {Names.Of(faster)} gives the "
            + $"same answer in about {Format.Duration(Math.Max(seconds, 0.001))} on one core.";
    }

    /// <summary>The sieve or, up to its limit, the formula: whichever should count the range sooner on one core.</summary>
    private static (Algorithm Algorithm, double Seconds) Fastest(NumberRange range)
    {
        var sieve = CostModel.EstimateSeconds(range, Algorithm.Sieve);
        var formula = range.Til <= FormulaKernel.MaxTil ? CostModel.FormulaSeconds(range) : double.PositiveInfinity;
        return formula < sieve ? (Algorithm.Formula, formula) : (Algorithm.Sieve, sieve);
    }
}
