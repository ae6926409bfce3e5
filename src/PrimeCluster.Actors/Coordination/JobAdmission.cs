using Akka.Actor;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Planning;
using static PrimeCluster.Actors.Messages.JobProtocol;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// Whether the coordinator takes a job: its plan, cut for the cluster's workers now, and the cost guard, which refuses
/// a trial job estimated to take longer than the cost limit at the cluster's pace unless its submitter accepts the cost.
/// </summary>
internal sealed class JobAdmission(PrimeClusterSettings settings, WorkerPool<IActorRef> pool, JobTable jobs)
{
    /// <summary>The job's plan, or why it is refused.</summary>
    public JobRejected? Admit(SubmitJob submit, out BatchPlan plan)
    {
        if (PlanFor(submit.Spec, out plan) is { } rejected)
        {
            return rejected;
        }

        if (submit.Spec.Algorithm != Algorithm.Trial || submit.AcceptCost || settings.CostLimit <= TimeSpan.Zero)
        {
            return null;
        }

        // An estimate, not the sieve's exact count: the actor answers at once, and an hour is not a fine line.
        var cost = TrialCost.Of(submit.Spec.Range, TrialPace(submit.Spec.Range), exactWithin: TimeSpan.Zero);
        return cost.Seconds > settings.CostLimit.TotalSeconds
            ? new JobRejected($"{cost.Describe()} The cluster's cost limit is {Format.Duration(settings.CostLimit.TotalSeconds)}.", JobRejection.OverCostLimit)
            : null;
    }

    /// <summary>What the job would take, without taking it: <see cref="JobEstimate"/>, or <see cref="JobRejected"/>.</summary>
    public IClusterMessage Estimate(JobSpec spec) =>
        PlanFor(spec, out var plan) is { } rejected
            ? rejected
            : new JobEstimate(plan.Count, pool.Cores, TrialPace(spec.Range), settings.CostLimit);

    /// <summary>The job's plan for the cluster's workers now, or why the range cannot be cut as asked.</summary>
    private JobRejected? PlanFor(JobSpec spec, out BatchPlan plan)
    {
        try
        {
            plan = spec.Plan(Math.Max(1, pool.Workers.Count), new PlanOptions
            {
                BatchesPerWorker = settings.BatchesPerWorker,
                MaxBatchDuration = settings.MaxBatchDuration,
            });
            return null;
        }
        catch (ArgumentException e)
        {
            plan = null!;
            return new JobRejected(e.Message, JobRejection.InvalidPlan);
        }
    }

    /// <summary>
    /// The cluster's pace for trial division on <paramref name="range"/>: its cores now, at what a core did in its
    /// recent trial jobs (<see cref="ClusterPace"/>).
    /// </summary>
    private double TrialPace(NumberRange range)
    {
        var runs = jobs.Entries
            .Where(e => e.CoreSeconds > 0 && e.View.State == JobState.Done && e.View.Spec.Algorithm == Algorithm.Trial)
            .OrderByDescending(e => e.View.FinishedAt)
            .Select(e => new TrialRun(e.View.Spec.Range, (double)e.View.SoFar.CheckCount, e.CoreSeconds!.Value));
        return ClusterPace.ChecksPerSecond(range, pool.Cores, runs);
    }
}
