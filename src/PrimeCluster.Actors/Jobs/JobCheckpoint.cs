using PrimeCluster.Actors.Messages;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// What of a job outlives the coordinator's node: its view, what its plan was cut from, and which batches are done.
/// Taken at one instant, so the tally in the view is exactly the sum of the done batches: a job resumed from it
/// counts every batch once.
/// </summary>
public sealed record JobCheckpoint(JobView View, int BatchesPerWorker, TimeSpan MaxBatchDuration, IReadOnlyList<BatchSpan> Done)
    : IClusterMessage
{
    /// <summary>The job's plan, cut again as it was at the start: batch i is the same range on every node.</summary>
    public BatchPlan Plan()
    {
        var plan = View.Spec.Plan(View.Workers, new PlanOptions { BatchesPerWorker = BatchesPerWorker, MaxBatchDuration = MaxBatchDuration });
        return plan.Count == View.BatchCount
            ? plan
            : throw new InvalidOperationException($"the plan cut again has {plan.Count} batches, not {View.BatchCount}; is every seed the same version?");
    }
}
