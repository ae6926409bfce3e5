using PrimeCluster.Actors.Configuration;
using PrimeCluster.Core;
using PrimeCluster.Core.Planning;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// How a batch's first reported tally is checked before it counts. An impossible one (more primes than numbers, more
/// checks than n - 2 for each n) always waits for its true tally, so that no lie overflows the sum. A trial one waits
/// for the sieve's tally, for the sampled share (<c>verify.trial-share</c>). A sieve or formula one, which costs as much
/// to check as to compute, for the sampled share (<c>verify.sieve-share</c>) waits for another worker's count of the
/// batch, or for its true tally when no other worker could give one.
/// </summary>
internal sealed class TallyCheckPolicy(BatchPlan plan, Algorithm algorithm, PrimeClusterSettings settings)
{
    /// <param name="anotherWorker">Whether another worker could give a second opinion now.</param>
    public TallyCheck For(BatchResult result, Func<bool> anotherWorker)
    {
        if (result.Index >= 0 && result.Index < plan.Count && !Possible(plan[result.Index].Range, result.Tally))
        {
            return TallyCheck.Verify;
        }

        if (algorithm == Algorithm.Trial)
        {
            return Sampled(settings.TrialShare) ? TallyCheck.Verify : TallyCheck.None;
        }

        return !Sampled(settings.SieveShare) ? TallyCheck.None
            : anotherWorker() ? TallyCheck.SecondOpinion
            : TallyCheck.Verify;
    }

    private static bool Possible(NumberRange range, Tally tally)
    {
        var start = Math.Max(range.From, 2UL);
        var numbers = range.Til < start ? 0UL : range.Til - start + 1;
        return tally.PrimeCount <= numbers && tally.CheckCount <= (UInt128)numbers * range.Til;
    }

    private static bool Sampled(double share) => share >= 1 || (share > 0 && Random.Shared.NextDouble() < share);
}
