using System.Diagnostics;
using PrimeCluster.Core;
using PrimeCluster.Testing;
using Xunit.Abstractions;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// A cluster of nodes of the earlier build (<see cref="EarlierBuild.OldestReadableCommit"/>) and of this one, upgraded
/// while a job runs: each earlier node in turn leaves and comes back on this build, at its ports, the seed that holds
/// the coordinator last. The job's messages and checkpoints cross between the two builds all along.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RollingUpgradeSpecs(EarlierBuild earlier, ITestOutputHelper output) : IClassFixture<EarlierBuild>, IDisposable
{
    private static readonly NumberRange Long = new(1, 3_000_000);

    private readonly ProcessCluster _cluster = new(output, "akka.cluster.split-brain-resolver.stable-after = 2s");

    [Fact]
    public async Task A_job_should_end_exact_while_each_node_of_the_earlier_build_is_restarted_on_this_one()
    {
        var started = Stopwatch.StartNew();
        var oldSeed = _cluster.StartBuild(earlier.Node, null, ("CLUSTER_ROLES", "seed"));
        var newSeed = _cluster.Start(("CLUSTER_ROLES", "seed"), ("CLUSTER_SEEDS", oldSeed.Address));
        var seeds = $"{newSeed.Address},{oldSeed.Address}";
        var oldWorker = _cluster.StartBuild(earlier.Node, null, ("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), ("CLUSTER_SEEDS", seeds));
        _cluster.Start(("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), ("CLUSTER_SEEDS", seeds));
        await _cluster.WaitUntilAsync("two workers registered", async () => await SeedApi.WorkersAsync(newSeed) == 2);
        await _cluster.WaitUntilAsync("all four nodes are up", async () => await SeedApi.UpMembersAsync(newSeed) == 4);

        // Submitted through this build's seed to the coordinator on the earlier build's, the oldest seed.
        var job = await SeedApi.SubmitAsync(newSeed, $$"""{"from": {{Long.From}}, "til": {{Long.Til}}}""");
        await _cluster.WaitUntilAsync("the job is running", async () => (await SeedApi.JobAsync(newSeed, job)).GetProperty("state").GetString() == "running");

        await UpgradeAsync(oldWorker, newSeed, job, ("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), ("CLUSTER_SEEDS", seeds));
        await UpgradeAsync(oldSeed, newSeed, job, ("CLUSTER_ROLES", "seed"), ("CLUSTER_SEEDS", seeds));

        SeedApi.AssertExact(await _cluster.WaitForFinishedAsync(newSeed, job), Long);
        output.WriteLine($"upgraded and done in {started.Elapsed.TotalSeconds:0.0} s");
    }

    public void Dispose() => _cluster.Dispose();

    /// <summary>The earlier build's node leaves while the job runs, and comes back on this build, at its ports.</summary>
    private async Task UpgradeAsync(NodeProcess node, NodeProcess seed, string job, params (string Name, string Value)[] environment)
    {
        Assert.Equal("running", (await SeedApi.JobAsync(seed, job)).GetProperty("state").GetString());
        node.Terminate();
        Assert.True(await node.WaitForExitAsync(ProcessCluster.Bound), $"the node on port {node.ClusterPort} did not leave");
        output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} the earlier build's node on port {node.ClusterPort} left");

        _cluster.Start(node, environment);
        await _cluster.WaitUntilAsync($"the node on port {node.ClusterPort} is back on this build", async () => await SeedApi.UpMembersAsync(seed) == 4 && await SeedApi.WorkersAsync(seed) == 2);
    }
}
