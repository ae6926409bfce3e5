using PrimeCluster.Core.Execution;

namespace PrimeCluster.Actors.Messages;

/// <summary>What clients (the HTTP API, the embedded runner) say to the coordinator, and what it answers.</summary>
public static class JobProtocol
{
    public sealed record SubmitJob(JobSpec Spec) : IClusterMessage;

    public sealed record JobAccepted(JobId Id) : IClusterMessage;

    public sealed record JobRejected(string Reason) : IClusterMessage;

    public sealed record GetJob(JobId Id) : IClusterMessage;

    /// <summary>Answered with the job's final <see cref="JobView"/> once it has finished (at once if it already has).</summary>
    public sealed record AwaitJob(JobId Id) : IClusterMessage;

    public sealed record CancelJob(JobId Id) : IClusterMessage;

    public sealed record JobNotFound(JobId Id) : IClusterMessage;

    public sealed class GetJobs : IClusterMessage
    {
        public static readonly GetJobs Instance = new();

        private GetJobs()
        {
        }
    }

    public sealed record JobList(IReadOnlyList<JobView> Jobs) : IClusterMessage;
}
