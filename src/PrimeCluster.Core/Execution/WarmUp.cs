using System.Diagnostics.CodeAnalysis;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Core.Execution;

/// <summary>
/// Compiles the planner and every kernel path once per process, ahead of the first job, so that a job's time
/// measures counting rather than the JIT, and workers that start together do not queue behind one compilation.
/// </summary>
public static class WarmUp
{
    /// <summary>The switch a natively compiled program turns off: its code is compiled before it starts.</summary>
    public const string NeededSwitch = "PrimeCluster.Core.Execution.WarmUp.IsNeeded";

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

    /// <summary>
    /// Whether code is compiled as it first runs (just in time), which the warm-up is for. Natively compiled, there is
    /// nothing to compile, and the warm-up would be most of a small job's time.
    /// </summary>
    [FeatureSwitchDefinition(NeededSwitch)]
    public static bool IsNeeded => !AppContext.TryGetSwitch(NeededSwitch, out var needed) || needed;

    public static void EnsureDone()
    {
        if (IsNeeded)
        {
            _ = Done.Value;
        }
    }
}
