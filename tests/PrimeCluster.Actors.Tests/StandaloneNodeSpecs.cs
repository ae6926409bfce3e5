using Akka.Actor;
using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;

namespace PrimeCluster.Actors.Tests;

/// <summary>A node alone in its process (the embedded cluster of <c>primecluster run</c>): the same actors, no cluster.</summary>
public sealed class StandaloneNodeSpecs
{
    [Fact]
    public void Standalone_configuration_should_be_seed_and_worker_with_the_workers_asked_for()
    {
        var node = ClusterConfig.BuildStandalone(3);

        Assert.True(node.Standalone);
        Assert.Null(node.DataDir);
        Assert.Equal([ClusterConfig.SeedRole, ClusterConfig.WorkerRole], node.Roles);
        Assert.Equal(3, PrimeClusterSettings.From(node.Hocon).WorkersPerNode);
    }

    [Fact]
    public async Task Standalone_node_should_count_a_job_on_all_its_workers_through_the_coordinator_without_a_cluster()
    {
        await using var node = InProcessNode.Start(ClusterConfig.BuildStandalone(2));
        await Until.WorkersAsync(node, 2);
        var runner = new ClusterJobRunner(node.Client, node.System, workers: 2);

        var outcome = await runner.RunAsync(new JobSpec(new NumberRange(1, 200_000), Batches: 16)).WaitAsync(Until.Bound);

        Assert.IsType<LocalActorRefProvider>(((ExtendedActorSystem)node.System).Provider);
        Assert.Equal(17_984UL, outcome.Tally.PrimeCount);
        Assert.Equal((UInt128)1_711_580_852, outcome.Tally.CheckCount);
        Assert.Equal(2, outcome.Workers);
        Assert.Equal(2, (await node.Client.WorkersAsync()).Count);
    }
}
