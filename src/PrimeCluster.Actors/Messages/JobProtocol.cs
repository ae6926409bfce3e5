using Akka.Actor;
using PrimeCluster.Core.Execution;

namespace PrimeCluster.Actors.Messages;

/// <summary>What clients (the HTTP API, the embedded runner) say to the coordinator, and what it answers.</summary>
public static class JobProtocol
{
    /// <summary>
    /// A job to run. A trial job estimated to take longer than the cluster's cost limit is refused unless
    /// <paramref name="AcceptCost"/> says the submitter knows.
    /// </summary>
    public sealed record SubmitJob(JobSpec Spec, bool AcceptCost = false) : IClientRequest;

    /// <summary>The job is taken, as it stands at once: a submitter needs not ask for it again.</summary>
    public sealed record JobAccepted(JobView View) : IClusterMessage
    {
        public JobId Id => View.Id;
    }

    public sealed record JobRejected(string Reason, JobRejection Why) : IClusterMessage;

    public enum JobRejection : byte
    {
        /// <summary>The range cannot be cut as asked (the number of batches).</summary>
        InvalidPlan,

        /// <summary>A trial job estimated above the cost limit, not accepted by its submitter.</summary>
        OverCostLimit,
    }

    /// <summary>
    /// What a job would take, without submitting it: answered with <see cref="JobEstimate"/>, or
    /// <see cref="JobRejected"/> when the range cannot be cut as asked.
    /// </summary>
    public sealed record EstimateJob(JobSpec Spec) : IClientRequest;

    /// <summary>
    /// The batches the job would be cut into now, the cores the cluster's workers compute on, its pace for trial
    /// division on the job's range (checks per second), and the cost limit over which a trial job is refused unless
    /// accepted (zero: none).
    /// </summary>
    public sealed record JobEstimate(long Batches, int Cores, double TrialChecksPerSecond, TimeSpan CostLimit) : IClusterMessage;

    public sealed record GetJob(JobId Id) : IClientRequest;

    /// <summary>Answered with the job's final <see cref="JobView"/> once it has finished (at once if it already has).</summary>
    public sealed record AwaitJob(JobId Id) : IClientRequest;

    /// <summary>
    /// Sends <paramref name="Subscriber"/> the job's view whenever it moves (its progress, the workers that can take its
    /// batches), from now to the finished view, which ends the subscription; <see cref="JobNotFound"/> when the coordinator
    /// does not know the job. A subscriber that stops is forgotten, and a coordinator that starts on another seed knows
    /// no subscribers. With <paramref name="Batches"/>, also the job's batch hand-outs
    /// (<see cref="MonitoringProtocol.BatchTimeline"/>): those it keeps at once, then those that change.
    /// </summary>
    public sealed record SubscribeToJob(JobId Id, IActorRef Subscriber, bool Batches = false) : IClientRequest;

    public sealed record CancelJob(JobId Id) : IClientRequest;

    public sealed record JobNotFound(JobId Id) : IClusterMessage;

    /// <summary>
    /// Up to <paramref name="Limit"/> jobs, newest first; with <paramref name="Before"/>, the ones submitted before that
    /// job (the last of the previous page). Answered with <see cref="JobList"/>, or <see cref="JobNotFound"/> when the
    /// coordinator no longer knows <paramref name="Before"/>.
    /// </summary>
    public sealed record GetJobs(int Limit, JobId? Before = null) : IClientRequest
    {
        public const int MaxLimit = 1000;
    }

    /// <summary>A page of jobs, newest first; <paramref name="More"/> when older ones follow.</summary>
    public sealed record JobList(IReadOnlyList<JobView> Jobs, bool More) : IClusterMessage;
}
