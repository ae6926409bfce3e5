using Akka.Actor;

namespace PrimeCluster.Actors.Messages;

/// <summary>What the coordinator knows of the workers.</summary>
public static class ClusterProtocol
{
    public sealed class GetWorkers : IClientRequest
    {
        public static readonly GetWorkers Instance = new();

        private GetWorkers()
        {
        }
    }

    /// <summary>
    /// A registered worker actor, the batches it holds for running jobs, and whether a running job has excluded it for
    /// a wrong tally.
    /// </summary>
    public sealed record WorkerView(Address Node, string Path, int Batches, bool Excluded = false) : IClusterMessage;

    /// <summary>How many wrong tallies a node's workers have reported, over all jobs.</summary>
    public sealed record NodeMismatches(Address Node, int Count);

    /// <summary>
    /// The registered workers, the nodes that have reported wrong tallies, and each node's checks per second over the
    /// last second sampled (none before any node computed anything).
    /// </summary>
    public sealed record WorkerList(IReadOnlyList<WorkerView> Workers, IReadOnlyList<NodeMismatches> Mismatches, MonitoringProtocol.ThroughputSample? Throughput = null) : IClusterMessage;

    /// <summary>Asks a seed where its job API and dashboard are, for a worker's page to link them: answered with <see cref="ApiUrl"/>.</summary>
    public sealed class GetApiUrl : IClusterMessage
    {
        public static readonly GetApiUrl Instance = new();

        private GetApiUrl()
        {
        }
    }

    /// <summary>Where a seed's job API and dashboard are, as the seed says: checked by whoever links it.</summary>
    public sealed record ApiUrl(string Url) : IClusterMessage;
}
