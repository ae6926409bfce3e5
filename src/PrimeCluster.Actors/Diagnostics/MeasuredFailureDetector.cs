using System.Diagnostics;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote;

namespace PrimeCluster.Actors.Diagnostics;

/// <summary>
/// Akka's phi accrual failure detector, as the cluster uses one for each member it watches, that also records the time
/// between two heartbeats from the member (<see cref="ClusterMetrics.HeartbeatArrived"/>): what a starved node, or a
/// starved peer, looks like to the failure detector, before anything is marked unreachable. Named by
/// <c>akka.cluster.failure-detector.implementation-class</c>.
/// </summary>
public sealed class MeasuredFailureDetector(Config config, EventStream eventStream) : PhiAccrualFailureDetector(config, eventStream)
{
    private long _lastHeartbeat;

    /// <summary>Called by the cluster's heartbeat sender, one actor, for each heartbeat answered by the member.</summary>
    public override void HeartBeat()
    {
        var now = Stopwatch.GetTimestamp();
        if (_lastHeartbeat != 0)
        {
            ClusterMetrics.HeartbeatArrived(Stopwatch.GetElapsedTime(_lastHeartbeat, now));
        }

        _lastHeartbeat = now;
        base.HeartBeat();
    }
}
