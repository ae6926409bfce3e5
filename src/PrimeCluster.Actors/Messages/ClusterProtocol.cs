using Akka.Actor;

namespace PrimeCluster.Actors.Messages;

/// <summary>What the coordinator knows of the workers.</summary>
public static class ClusterProtocol
{
    public sealed class GetWorkers : IClusterMessage
    {
        public static readonly GetWorkers Instance = new();

        private GetWorkers()
        {
        }
    }

    /// <summary>A registered worker actor and the batches it holds for running jobs.</summary>
    public sealed record WorkerView(Address Node, string Path, int Batches) : IClusterMessage;

    public sealed record WorkerList(IReadOnlyList<WorkerView> Workers) : IClusterMessage;
}
