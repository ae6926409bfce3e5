using Akka.Actor;
using PrimeCluster.Core;

namespace PrimeCluster.Actors.Messages;

/// <summary>
/// Work pulling between workers, the coordinator and job actors. A worker asks the coordinator for work; the coordinator
/// picks a job in turn and passes the request on; the job answers the worker directly with batches, and the worker
/// reports each batch to the job.
/// </summary>
public static class WorkProtocol
{
    /// <summary>The most batches one message names (assigned, completed, returned or dropped): more than a worker holds.</summary>
    public const int MaxBatchesPerMessage = 1024;

    /// <summary>
    /// A worker has <paramref name="Slots"/> free places for batches and holds <paramref name="InFlight"/>; its node
    /// runs on <paramref name="Cores"/> cores (0: not said, as in a request a job passes on). A claim, like every
    /// number from another node: the coordinator believes it only within bounds.
    /// </summary>
    public sealed record RequestWork(IActorRef Worker, int Slots, int InFlight, int Cores = 0) : IClusterMessage;

    /// <summary>
    /// Nothing to do now. The coordinator keeps the request and serves it when a job has batches; the worker also
    /// asks again now and then, in case the coordinator moved.
    /// </summary>
    public sealed class NoWorkNow : IClusterMessage
    {
        public static readonly NoWorkNow Instance = new();

        private NoWorkNow()
        {
        }
    }

    /// <summary>One batch: everything a worker needs to compute it.</summary>
    public sealed record BatchWork(long Index, NumberRange Range);

    /// <summary>Batches of one job for a worker; results go to <paramref name="Job"/>.</summary>
    public sealed record WorkAssignment(JobId JobId, IActorRef Job, Algorithm Algorithm, IReadOnlyList<BatchWork> Batches) : IClusterMessage;

    /// <summary>The tally of one batch.</summary>
    public sealed record BatchResult(long Index, Tally Tally);

    /// <summary>
    /// Results of one or more batches of a job; short batches are reported together. With <paramref name="Slots"/>
    /// above 0 the worker also asks for more, as <see cref="RequestWork"/> would, one message fewer per batch: the job
    /// answers it itself while it is the only running job with batches waiting, else passes it on to the coordinator.
    /// </summary>
    public sealed record BatchesCompleted(JobId JobId, IReadOnlyList<BatchResult> Results, IActorRef Worker, int Slots = 0, int InFlight = 0) : IClusterMessage;

    /// <summary>A worker could not compute a batch: <paramref name="Error"/> says why, in at most <see cref="MaxErrorLength"/> characters.</summary>
    public sealed record BatchFailed(JobId JobId, long Index, string Error, IActorRef Worker) : IClusterMessage
    {
        public const int MaxErrorLength = 1000;
    }

    /// <summary>A leaving worker gives back batches it had not started.</summary>
    public sealed record BatchesReturned(JobId JobId, IReadOnlyList<long> Indices, IActorRef Worker) : IClusterMessage;

    public sealed record BatchesReturnAcknowledged(JobId JobId) : IClusterMessage;

    /// <summary>The job is over: drop its queued batches and stop the one being computed.</summary>
    public sealed record CancelWork(JobId JobId) : IClusterMessage;

    /// <summary>Batches of a job already counted from another worker's copy: drop them, and stop them if being computed.</summary>
    public sealed record DropBatches(JobId JobId, IReadOnlyList<long> Indices) : IClusterMessage;

    /// <summary>
    /// The checks of this worker's results that its job counted since it last said: the worker's node counts them in
    /// its metrics. Told in one message per worker and progress report, not one per batch.
    /// </summary>
    public sealed record ChecksCounted(JobId JobId, Algorithm Algorithm, UInt128 Checks) : IClusterMessage;
}
