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
    /// The job's views as the coordinator pushes them, whenever it moves, ending with the finished one. The subscriber
    /// runs in <paramref name="actors"/> and stops when the enumeration ends. Throws <see cref="InvalidOperationException"/>
    /// when the coordinator does not know the job.
    /// </summary>
    public IAsyncEnumerable<JobView> FollowAsync(JobId id, IActorRefFactory actors, CancellationToken cancellationToken = default)
    {
        // Only the newest view matters to a reader that falls behind; the finished one is the last written.
        var views = Channel.CreateBounded<object>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });
        return ReadAsync(actors, JobSubscriber.Props(coordinator, id, batches: false, views.Writer), views.Reader, cancellationToken).Cast<JobView>();
    }

    /// <summary>
    /// As <see cref="FollowAsync"/>, with the job's batch hand-outs as <see cref="MonitoringProtocol.BatchTimeline"/>s:
    /// those it keeps at once, then those that change.
    /// </summary>
    public IAsyncEnumerable<object> FollowWithBatchesAsync(JobId id, IActorRefFactory actors, CancellationToken cancellationToken = default)
    {
        var events = Backlog();
        return ReadAsync(actors, JobSubscriber.Props(coordinator, id, batches: true, events.Writer), events.Reader, cancellationToken);
    }

    /// <summary>
    /// The cluster's live picture, as the coordinator pushes it (<see cref="MonitoringProtocol.SubscribeToCluster"/>),
    /// with <see cref="MonitoringProtocol.MembersChanged"/> whenever this node sees the members change; until cancelled.
    /// </summary>
    public IAsyncEnumerable<object> WatchClusterAsync(IActorRefFactory actors, CancellationToken cancellationToken = default)
    {
        var events = Backlog();
        return ReadAsync(actors, ClusterSubscriber.Props(coordinator, events.Writer), events.Reader, cancellationToken);
    }

    /// <summary>Everything pushed, in order; bounded all the same, so that a reader that stops cannot fill the node's memory.</summary>
    private static Channel<object> Backlog() =>
        Channel.CreateBounded<object>(new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });

    /// <summary>Starts the subscriber and yields what it writes to <paramref name="reader"/>, stopping it at the end.</summary>
    private static async IAsyncEnumerable<object> ReadAsync(IActorRefFactory actors, Props subscriber, ChannelReader<object> reader, [EnumeratorCancellation] CancellationToken cancellationToken)
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
