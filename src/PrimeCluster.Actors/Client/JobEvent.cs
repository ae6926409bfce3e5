using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Actors.Client;

/// <summary>
/// What a follower of a job hears (<see cref="CoordinatorClient.FollowAsync"/>), in order: the job as it moves, its
/// batch hand-outs when asked for, and last either its end or the news that the coordinator no longer knows it.
/// </summary>
public abstract record JobEvent
{
    private JobEvent()
    {
    }

    /// <summary>The job, queued or running, as it is now.</summary>
    public sealed record Moved(JobView View) : JobEvent;

    /// <summary>
    /// The job's batch hand-outs: with <see cref="BatchTimeline.Snapshot"/>, every one it keeps, which replace any
    /// heard before; otherwise those that changed since.
    /// </summary>
    public sealed record Batches(BatchTimeline Timeline) : JobEvent;

    /// <summary>The job finished (done, cancelled or failed): the last event.</summary>
    public sealed record Ended(JobView View) : JobEvent;

    /// <summary>The coordinator no longer knows the job (it started afresh without the journal): the last event.</summary>
    public sealed record Lost(JobId Id) : JobEvent;

    /// <summary>Whether nothing follows this event.</summary>
    public bool IsLast => this is Ended or Lost;

    /// <summary>The event a view makes: <see cref="Ended"/> once the job has finished.</summary>
    public static JobEvent Of(JobView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return view.State.IsTerminal() ? new Ended(view) : new Moved(view);
    }
}
