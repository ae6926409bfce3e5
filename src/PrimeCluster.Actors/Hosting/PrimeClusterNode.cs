using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.Singleton;
using Akka.DistributedData;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Coordination;
using PrimeCluster.Actors.Workers;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Actors.Hosting;

/// <summary>The actors one node runs, by role: the coordinator singleton on seeds, worker actors on workers.</summary>
public sealed record PrimeClusterNode(IActorRef Coordinator, IReadOnlyList<IActorRef> Workers)
{
    /// <summary>Starts this node's actors in a system built from <see cref="ClusterConfig.Build"/>, and joins the cluster.</summary>
    /// <param name="kernels">The workers' kernel for each algorithm; <see cref="PrimeKernels.For"/> unless a test says otherwise.</param>
    public static PrimeClusterNode Start(ActorSystem system, Func<Algorithm, IPrimeKernel>? kernels = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        var settings = PrimeClusterSettings.From(system.Settings.Config);
        var cluster = Cluster.Get(system);

        if (cluster.SelfRoles.Contains(ClusterConfig.SeedRole))
        {
            // Every seed keeps a replica of the job checkpoints, whether or not it holds the coordinator now.
            if (settings.Checkpoints)
            {
                DistributedData.Get(system);
            }

            system.ActorOf(
                ClusterSingletonManager.Props(CoordinatorActor.Props(settings), PoisonPill.Instance, ClusterSingletonManagerSettings.Create(system)),
                "coordinator");
        }

        var coordinator = system.ActorOf(ClusterSingletonProxy.Props("/user/coordinator", ClusterSingletonProxySettings.Create(system)), "coordinator-proxy");
        var workers = cluster.SelfRoles.Contains(ClusterConfig.WorkerRole) ? StartWorkers(system, coordinator, settings, kernels) : [];

        // With no seed-nodes configured, a seed forms a cluster of its own, at whatever port it was given.
        if (system.Settings.Config.GetStringList("akka.cluster.seed-nodes").Count == 0)
        {
            cluster.Join(cluster.SelfAddress);
        }

        return new PrimeClusterNode(coordinator, workers);
    }

    private static List<IActorRef> StartWorkers(ActorSystem system, IActorRef coordinator, PrimeClusterSettings settings, Func<Algorithm, IPrimeKernel>? kernels)
    {
        var scheduler = new ComputeScheduler(settings.WorkersPerNode, "primecluster-worker");
        system.RegisterOnTermination(scheduler.Dispose);
        var workers = Enumerable.Range(0, settings.WorkersPerNode)
            .Select(i => system.ActorOf(WorkerActor.Props(coordinator, scheduler, settings, kernels), $"worker-{i}"))
            .ToList();

        // Leaving gracefully: every worker finishes its batch and hands back the rest before the node leaves.
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeClusterShutdown, "hand-back-batches", async () =>
        {
            var timeout = TimeSpan.FromSeconds(10);
            await Task.WhenAll(workers.Select(w => w.Ask<WorkerActor.Drained>(WorkerActor.Drain.Instance, timeout)
                .ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
            return Akka.Done.Instance;
        });
        return workers;
    }
}
