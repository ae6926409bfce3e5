using Akka.Actor;

namespace PrimeCluster.Actors.Jobs;

internal static class NodeAddress
{
    /// <summary>
    /// The node an actor lives on, with its host and port even when that is this node (the provider's address is the
    /// cluster's self address on a cluster node, and the plain local address on a node alone in its process).
    /// </summary>
    public static Address Of(IActorRef actor, ActorSystem system) =>
        actor.Path.Address.HasGlobalScope ? actor.Path.Address : ((ExtendedActorSystem)system).Provider.DefaultAddress;
}
