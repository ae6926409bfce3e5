using PrimeCluster.Cli.Input;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Cli.Commands;

/// <summary>
/// Trial division grows with the square of the range: before a trial job that would run for over an hour, say so,
/// and go on only when the user confirms (on a terminal) or passed --yes. A cluster applies the same guard itself
/// (<c>primecluster.jobs.cost-limit</c>); <see cref="ConfirmAsync(string, CliContext)"/> asks about its refusal.
/// </summary>
public static class CostGuard
{
    public static readonly TimeSpan Limit = TimeSpan.FromHours(1);

    /// <summary>The sieve counts a range exactly this fast or faster, on one core, to give the exact total of checks.</summary>
    private static readonly TimeSpan ExactWithin = TimeSpan.FromSeconds(0.5);

    /// <summary>True to go on; false when the user declined. Throws <see cref="UsageException"/> when nobody can be asked.</summary>
    /// <param name="workers">Worker threads on this machine, which compute on as many of its cores at most.</param>
    public static Task<bool> ConfirmAsync(JobSpec spec, int workers, bool yes, CliContext context)
    {
        if (spec.Algorithm != Algorithm.Trial || yes)
        {
            return Task.FromResult(true);
        }

        var pace = ClusterPace.ChecksPerSecond(spec.Range, Math.Min(workers, Environment.ProcessorCount), []);

        // No number costs TIL checks or more: a range within the limit at that bound needs no closer count.
        if ((double)spec.Range.Width * spec.Range.Til / pace <= Limit.TotalSeconds)
        {
            return Task.FromResult(true);
        }

        var cost = TrialCost.Of(spec.Range, pace, ExactWithin);
        return cost.Seconds <= Limit.TotalSeconds ? Task.FromResult(true) : ConfirmAsync(cost.Describe(), context);
    }

    /// <summary>Asks whether to run a job despite <paramref name="warning"/>; throws <see cref="UsageException"/> when nobody can be asked.</summary>
    public static async Task<bool> ConfirmAsync(string warning, CliContext context)
    {
        if (!context.InputIsTerminal)
        {
            throw new UsageException($"{warning} Pass --yes to run it anyway.");
        }

        await context.Error.WriteAsync($"primecluster: {warning} Run it anyway? [y/N] ").ConfigureAwait(false);
        var answer = (await context.In.ReadLineAsync().ConfigureAwait(false))?.Trim().ToLowerInvariant();
        return answer is "y" or "yes";
    }
}
