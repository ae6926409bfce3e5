using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Akka.Actor;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core.Execution;
using static PrimeCluster.Actors.Messages.ClusterProtocol;
using static PrimeCluster.Actors.Messages.JobProtocol;

namespace PrimeCluster.Actors.Client;

/// <summary>Questions to the coordinator, wherever it runs, as tasks. Used by the job API and the embedded runner.</summary>
public sealed class CoordinatorClient(IActorRef coordinator, TimeSpan timeout)
{
    public CoordinatorClient(IActorRef coordinator)
        : this(coordinator, TimeSpan.FromSeconds(10))
    {
    }

    /// <summary>Submits a job and returns it as accepted; throws <see cref="JobRejectedException"/> when the coordinator refuses it.</summary>
    public async Task<JobView> SubmitAsync(JobSpec spec, bool acceptCost = false, CancellationToken cancellationToken = default) =>
        await coordinator.Ask<object>(new SubmitJob(spec, acceptCost), timeout, cancellationToken).ConfigureAwait(false) switch
        {
            JobAccepted accepted => accepted.View,
            JobRejected rejected => throw new JobRejectedException(rejected.Reason, rejected.Why),
            var other => throw Unexpected(other),
        };

    /// <summary>What a job would take, without submitting it; throws <see cref="JobRejectedException"/> when it cannot be cut as asked.</summary>
    public async Task<JobEstimate> EstimateAsync(JobSpec spec, CancellationToken cancellationToken = default) =>
        await coordinator.Ask<object>(new EstimateJob(spec), timeout, cancellationToken).ConfigureAwait(false) switch
        {
            JobEstimate estimate => estimate,
            JobRejected rejected => throw new JobRejectedException(rejected.Reason, rejected.Why),
            var other => throw Unexpected(other),
        };

    /// <summary>The job now, or null when the coordinator does not know it.</summary>
    public async Task<JobView?> GetAsync(JobId id, CancellationToken cancellationToken = default) =>
        ViewOrNull(await coordinator.Ask<object>(new GetJob(id), timeout, cancellationToken).ConfigureAwait(false));

    /// <summary>The job once it has finished, or null when the coordinator does not know it.</summary>
    public async Task<JobView?> AwaitAsync(JobId id, CancellationToken cancellationToken = default) =>
        ViewOrNull(await coordinator.Ask<object>(new AwaitJob(id), Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// The job's events as the coordinator pushes them: the job whenever it moves, with <paramref name="batches"/> its
    /// batch hand-outs (those it keeps at once, then those that change), and last <see cref="JobEvent.Ended"/> or
    /// <see cref="JobEvent.Lost"/>. The subscriber runs in <paramref name="actors"/> and stops when the enumeration ends.
    /// </summary>
    public IAsyncEnumerable<JobEvent> FollowAsync(JobId id, IActorRefFactory actors, bool batches = false, CancellationToken cancellationToken = default)
    {
        // Without batches only the newest view matters to a reader that falls behind; the last event is the last written.
        var events = batches
            ? Backlog<JobEvent>()
            : Channel.CreateBounded<JobEvent>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });
        return ReadAsync(actors, JobSubscriber.Props(coordinator, id, batches, events.Writer), events.Reader, cancellationToken);
    }

    /// <summary>
    /// The cluster's live picture, as the coordinator pushes it (<see cref="MonitoringProtocol.SubscribeToCluster"/>),
    /// with <see cref="MonitoringProtocol.MembersChanged"/> whenever this node sees the members change; until cancelled.
    /// </summary>
    public IAsyncEnumerable<object> WatchClusterAsync(IActorRefFactory actors, CancellationToken cancellationToken = default)
    {
        var events = Backlog<object>();
        return ReadAsync(actors, ClusterSubscriber.Props(coordinator, events.Writer), events.Reader, cancellationToken);
    }

    /// <summary>Everything pushed, in order; bounded all the same, so that a reader that stops cannot fill the node's memory.</summary>
    private static Channel<T> Backlog<T>() =>
        Channel.CreateBounded<T>(new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });

    /// <summary>Starts the subscriber and yields what it writes to <paramref name="reader"/>, stopping it at the end.</summary>
    private static async IAsyncEnumerable<T> ReadAsync<T>(IActorRefFactory actors, Props subscriber, ChannelReader<T> reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actors);
        var actor = actors.ActorOf(subscriber);
        try
        {
            await foreach (var message in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return message;
            }
        }
        finally
        {
            actor.Tell(PoisonPill.Instance);
        }
    }

    /// <summary>Cancels the job; returns its final state, or null when the coordinator does not know it.</summary>
    public async Task<JobView?> CancelAsync(JobId id, CancellationToken cancellationToken = default) =>
        ViewOrNull(await coordinator.Ask<object>(new CancelJob(id), timeout, cancellationToken).ConfigureAwait(false));

    /// <summary>A page of jobs, newest first, or null when the coordinator no longer knows <paramref name="before"/>.</summary>
    public async Task<JobList?> ListAsync(int limit, JobId? before = null, CancellationToken cancellationToken = default) =>
        await coordinator.Ask<object>(new GetJobs(limit, before), timeout, cancellationToken).ConfigureAwait(false) switch
        {
            JobList list => list,
            JobNotFound => null,
            var other => throw Unexpected(other),
        };

    public async Task<IReadOnlyList<WorkerView>> WorkersAsync(CancellationToken cancellationToken = default) =>
        (await WorkerListAsync(cancellationToken).ConfigureAwait(false)).Workers;

    /// <summary>The workers, and the nodes that have reported wrong tallies.</summary>
    public Task<WorkerList> WorkerListAsync(CancellationToken cancellationToken = default) =>
        coordinator.Ask<WorkerList>(GetWorkers.Instance, timeout, cancellationToken);

    private static JobView? ViewOrNull(object reply) => reply switch
    {
        JobView view => view,
        JobNotFound => null,
        _ => throw Unexpected(reply),
    };

    private static InvalidOperationException Unexpected(object reply) => new($"The coordinator answered with {reply.GetType().Name}.");
}

public sealed class JobRejectedException(string reason, JobProtocol.JobRejection why) : Exception(reason)
{
    public JobProtocol.JobRejection Why { get; } = why;
}
