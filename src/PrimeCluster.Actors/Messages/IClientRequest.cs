namespace PrimeCluster.Actors.Messages;

/// <summary>
/// A request of the cluster's clients (the HTTP API, the embedded runner of <c>run</c>) to the coordinator: the client
/// protocol, which the coordinator takes in at one place (<see cref="Coordination.CoordinatorActor"/>'s intake).
/// </summary>
public interface IClientRequest : IClusterMessage;
