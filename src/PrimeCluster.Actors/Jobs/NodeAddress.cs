using Akka.Actor;

namespace PrimeCluster.Actors.Jobs;

internal static class NodeAddress
{
    /// <summary>The node an actor lives on, with its host and port even when that is this node.</summary>
    public static Address Of(IActorRef actor, ActorSystem system) =>
        actor.Path.Address.HasGlobalScope ? actor.Path.Address : Akka.Cluster.Cluster.Get(system).SelfAddress;
}
