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
    public sealed record SubmitJob(JobSpec Spec, bool AcceptCost = false) : IClusterMessage;

    public sealed record JobAccepted(JobId Id) : IClusterMessage;

    public sealed record JobRejected(string Reason, JobRejection Why) : IClusterMessage;

    public enum JobRejection : byte
    {
        /// <summary>The range cannot be cut as asked (the number of batches).</summary>
        InvalidPlan,

        /// <summary>A trial job estimated above the cost limit, not accepted by its submitter.</summary>
        OverCostLimit,
    }

    public sealed record GetJob(JobId Id) : IClusterMessage;

    /// <summary>Answered with the job's final <see cref="JobView"/> once it has finished (at once if it already has).</summary>
    public sealed record AwaitJob(JobId Id) : IClusterMessage;

    /// <summary>
    /// Sends <paramref name="Subscriber"/> the job's view whenever it moves (its progress, the workers that can take its
    /// batches), from now to the finished view, which ends the subscription; <see cref="JobNotFound"/> when the coordinator
    /// does not know the job. A subscriber that stops is forgotten, and a coordinator that starts on another seed knows
    /// no subscribers.
    /// </summary>
    public sealed record SubscribeToJob(JobId Id, IActorRef Subscriber) : IClusterMessage;

    public sealed record CancelJob(JobId Id) : IClusterMessage;

    public sealed record JobNotFound(JobId Id) : IClusterMessage;

    /// <summary>
    /// Up to <paramref name="Limit"/> jobs, newest first; with <paramref name="Before"/>, the ones submitted before that
    /// job (the last of the previous page). Answered with <see cref="JobList"/>, or <see cref="JobNotFound"/> when the
    /// coordinator no longer knows <paramref name="Before"/>.
    /// </summary>
    public sealed record GetJobs(int Limit, JobId? Before = null) : IClusterMessage
    {
        public const int MaxLimit = 1000;
    }

    /// <summary>A page of jobs, newest first; <paramref name="More"/> when older ones follow.</summary>
    public sealed record JobList(IReadOnlyList<JobView> Jobs, bool More) : IClusterMessage;
}
