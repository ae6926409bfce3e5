using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// What of a job outlives the coordinator's node: its view, what its plan was cut from (the workers it was cut for,
/// batches per worker, the longest batch, and the plan's fingerprint), and which batches are done. Taken at one
/// instant, so the tally in the view is exactly the sum of the done batches: a job resumed from it counts every batch
/// once.
/// </summary>
/// <param name="PlanWorkers">The workers the plan was cut for: at least one, however many the view shows now.</param>
public sealed record JobCheckpoint(JobView View, int BatchesPerWorker, TimeSpan MaxBatchDuration, ulong PlanFingerprint, IReadOnlyList<BatchSpan> Done, int PlanWorkers)
    : IClusterMessage
{
    /// <summary>
    /// A job just accepted: queued, nothing done, and an estimate of its checks; its plan was cut for it.
    /// <paramref name="workers"/>: the cluster's workers now, none at all in a cluster whose workers have not joined yet.
    /// </summary>
    public static JobCheckpoint Start(JobId id, JobSpec spec, BatchPlan plan, DateTimeOffset submittedAt, int workers)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(plan);
        var estimate = (UInt128)Math.Round(CostModel.EstimateChecks(spec.Range));
        var view = new JobView(id, spec, JobState.Queued, 0, plan.Count, Tally.Zero, estimate, false, workers, submittedAt, null, null, TimeSpan.Zero, null);
        return new JobCheckpoint(view, plan.Options.BatchesPerWorker, plan.Options.MaxBatchDuration, plan.Fingerprint, [], plan.Options.Workers);
    }

    /// <summary>
    /// The job's plan, cut again as it was at the start: batch i is the same range on every node. A plan cut
    /// otherwise, by a seed of another version, would count some numbers twice and others never: refused.
    /// </summary>
    public BatchPlan Plan()
    {
        var plan = View.Spec.Plan(PlanWorkers, new PlanOptions { BatchesPerWorker = BatchesPerWorker, MaxBatchDuration = MaxBatchDuration });
        if (plan.Count != View.BatchCount)
        {
            throw new InvalidOperationException($"the plan cut again has {plan.Count} batches, not {View.BatchCount}; is every seed the same version?");
        }

        return plan.Fingerprint == PlanFingerprint
            ? plan
            : throw new InvalidOperationException("the plan cut again splits the range elsewhere; is every seed the same version?");
    }
}
