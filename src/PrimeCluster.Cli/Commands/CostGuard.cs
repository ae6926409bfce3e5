using PrimeCluster.Cli.Input;
using PrimeCluster.Cli.Output;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Cli.Commands;

/// <summary>
/// Trial division grows with the square of the range: before a trial job that would run for over an hour, say so,
/// and go on only when the user confirms (on a terminal) or passed --yes.
/// </summary>
public static class CostGuard
{
    public static readonly TimeSpan Limit = TimeSpan.FromHours(1);

    /// <summary>The sieve counts a range exactly this fast or faster, on one core, to give the exact total of checks.</summary>
    private const double ExactWhenSieveTakes = 0.5;

    /// <summary>True to go on; false when the user declined. Throws <see cref="UsageException"/> when nobody can be asked.</summary>
    public static async Task<bool> ConfirmAsync(JobSpec spec, Func<Task<double>> checksPerSecond, bool yes, CliContext context)
    {
        if (spec.Algorithm != Algorithm.Trial || yes)
        {
            return true;
        }

        var range = spec.Range;
        var exact = CostModel.EstimateSeconds(range, Algorithm.Sieve) <= ExactWhenSieveTakes;
        var checks = exact ? (double)SieveKernel.Instance.Count(range.From, range.Til).CheckCount : CostModel.EstimateChecks(range);
        var rate = await checksPerSecond().ConfigureAwait(false);
        var seconds = checks / rate;
        if (seconds <= Limit.TotalSeconds)
        {
            return true;
        }

        var sieveSeconds = Math.Max(CostModel.EstimateSeconds(range, Algorithm.Sieve), 0.001);
        var warning = $"this trial job performs {(exact ? string.Empty : "about ")}{Format.Scaled(checks)} checks: about "
            + $"{Format.Duration(seconds)} at {Format.Rate(rate)} checks/s. --algorithm sieve gives the same answer in about "
            + $"{Format.Duration(sieveSeconds)} on one core.";
        if (!context.InputIsTerminal)
        {
            throw new UsageException($"{warning} Pass --yes to run it anyway.");
        }

        await context.Error.WriteAsync($"primecluster: {warning} Run it anyway? [y/N] ").ConfigureAwait(false);
        var answer = (await context.In.ReadLineAsync().ConfigureAwait(false))?.Trim().ToLowerInvariant();
        return answer is "y" or "yes";
    }
}
