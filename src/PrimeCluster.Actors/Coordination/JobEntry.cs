using Akka.Actor;
using PrimeCluster.Actors.Diagnostics;
using PrimeCluster.Actors.Messages;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Actors.Coordination;

/// <summary>A job the coordinator knows: its actor while it runs, its view as last reported, and who waits on it.</summary>
internal sealed class JobEntry(IActorRef? actor, JobView view)
{
    public IActorRef? Actor { get; set; } = actor;

    /// <summary>The job's view; its state and the work it has left, as they change, in the node's metrics.</summary>
    public JobView View
    {
        get;
        set
        {
            ClusterMetrics.JobChanged(field, value);
            field = value;
        }
    } = Appeared(view);

    public List<IActorRef> Awaiters { get; } = [];

    /// <summary>Told the job's view whenever it moves, and the finished one; each once, however often it asked.</summary>
    public HashSet<IActorRef> Subscribers { get; } = [];

    /// <summary>A finished job's last batch hand-outs; kept for the newest few.</summary>
    public BatchTimeline? Timeline { get; set; }

    /// <summary>A finished job's cores while it ran, in core-seconds; null when not known from its start (a job resumed here).</summary>
    public double? CoreSeconds { get; set; }

    private static JobView Appeared(JobView view)
    {
        ClusterMetrics.JobChanged(from: null, view);
        return view;
    }
}
