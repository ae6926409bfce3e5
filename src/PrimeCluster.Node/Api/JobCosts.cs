using PrimeCluster.Actors.Messages;
using PrimeCluster.Contracts;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Node.Api;

/// <summary>What a job would cost on the cluster now, for <c>POST /jobs/estimate</c>.</summary>
internal static class JobCosts
{
    /// <summary>The sieve gives the exact checks when it takes at most this long: an answer while a form is filled in.</summary>
    private static readonly TimeSpan ExactWithin = TimeSpan.FromSeconds(0.05);

    public static EstimateResource Estimate(JobSpec spec, JobProtocol.JobEstimate cluster)
    {
        var range = spec.Range;
        var cores = Math.Max(1, cluster.Cores);
        var exact = CostModel.EstimateSeconds(range, Algorithm.Sieve) <= ExactWithin.TotalSeconds;
        var checks = exact ? SieveKernel.Instance.Count(range.From, range.Til).CheckCount : (UInt128)Math.Round(CostModel.EstimateChecks(range));
        var seconds = CostModel.EstimateSeconds(range, spec.Algorithm) / cores;
        if (spec.Algorithm == Algorithm.Trial)
        {
            var cost = new TrialCost(range, (double)checks, exact, cluster.TrialChecksPerSecond);
            seconds = cost.Seconds;
            if (cluster.CostLimit > TimeSpan.Zero && seconds > cluster.CostLimit.TotalSeconds)
            {
                // As submitting it would be refused; each client says its own way past the limit (accept_cost, --yes, a checkbox).
                var refusal = $"{cost.Describe()} The cluster's cost limit is {Format.Duration(cluster.CostLimit.TotalSeconds)}.";
                return new EstimateResource(checks, exact, seconds, OverLimit: true, cluster.Batches, refusal);
            }
        }

        var message = $"about {Format.Duration(seconds)} on the cluster's {Format.Count(cores, "core")}, {(exact ? string.Empty : "about ")}{Format.Scaled((double)checks)} checks";
        return new EstimateResource(checks, exact, seconds, OverLimit: false, cluster.Batches, message);
    }
}
