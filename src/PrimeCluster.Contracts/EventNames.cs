namespace PrimeCluster.Contracts;

/// <summary>The server-sent events of a job's stream, <c>GET /jobs/{id}/events</c>.</summary>
public static class JobEvents
{
    /// <summary>The job's resource, whenever it moves.</summary>
    public const string Progress = "progress";

    /// <summary>The job's finished resource: the last event.</summary>
    public const string Result = "result";

    /// <summary>With <c>?batches=true</c>: the job's batches so far, newest last (<see cref="BatchResource"/>s), at once.</summary>
    public const string Batches = "batches";

    /// <summary>With <c>?batches=true</c>: one batch that was handed out or settled since.</summary>
    public const string Batch = "batch";
}

/// <summary>The server-sent events of the cluster's stream, <c>GET /events</c>.</summary>
public static class ClusterEvents
{
    /// <summary>The cluster's members, as <c>GET /cluster</c> shows them, at once and whenever they change.</summary>
    public const string Cluster = "cluster";

    /// <summary>The newest jobs, newest first, at once.</summary>
    public const string Jobs = "jobs";

    /// <summary>One job, whenever it is submitted, moves or ends.</summary>
    public const string Job = "job";

    /// <summary>Each node's checks per second over the last second (<see cref="ThroughputResource"/>).</summary>
    public const string Throughput = "throughput";

    /// <summary>The samples of the last 15 minutes, oldest first, at once.</summary>
    public const string ThroughputHistory = "throughput_history";
}

/// <summary>What every stream sends after a quiet spell, so that readers and proxies know it is alive.</summary>
public static class KeepAlive
{
    public const string Event = "keep-alive";

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);
}
