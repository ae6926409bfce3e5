using PrimeCluster.Core.Kernels;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Core.Execution;

/// <summary>
/// Compiles the planner and every kernel path once per process, ahead of the first job, so that a job's time
/// measures counting rather than the JIT, and workers that start together do not queue behind one compilation.
/// </summary>
public static class WarmUp
{
    private static readonly Lazy<bool> Done = new(() =>
    {
        foreach (var algorithm in Enum.GetValues<Algorithm>())
        {
            _ = BatchPlanner.Plan(new NumberRange(0, 1 << 20), new PlanOptions { Algorithm = algorithm }).Count();
        }

        // One small range per lane width of trial division, one through the sieve and one through the formula.
        TrialDivisionKernel.Instance.Count(TrialDivisionKernel.ScalarBelow, TrialDivisionKernel.ScalarBelow + 64);
        TrialDivisionKernel.Instance.Count(SingleLanes.ExactBelow, SingleLanes.ExactBelow + 16);
        SieveKernel.Instance.Count(0, 1 << 20);
        FormulaKernel.Instance.Count(0, 1 << 24);
        return true;
    });

    public static void EnsureDone() => _ = Done.Value;
}
