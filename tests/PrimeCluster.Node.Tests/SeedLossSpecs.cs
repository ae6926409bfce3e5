using PrimeCluster.Core;
using PrimeCluster.Testing;
using Xunit.Abstractions;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// One seed and two workers as processes, and the seed lost mid-job: killed and restarted, stopped gracefully and
/// restarted, or paused and continued; and two of three seeds stopped gracefully and restarted. The workers must not
/// down the seed nor sit headless: they leave, report themselves unhealthy, and join again once the seed answers,
/// without anyone restarting them.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SeedLossSpecs(ITestOutputHelper output) : IDisposable
{
    private static readonly NumberRange Long = new(1, 2_000_000);
    private static readonly NumberRange Short = new(1, 300_000);

    private readonly ProcessCluster _cluster = new(output, "akka.cluster.split-brain-resolver.stable-after = 2s");

    [Fact]
    public async Task Workers_should_join_a_killed_seed_again_once_it_is_restarted()
    {
        var (seed, workers) = await _cluster.StartSeedAndTwoWorkersAsync();
        var lost = await SeedApi.SubmitAsync(seed, """{"from": 1, "til": 2000000}""");
        await _cluster.WaitUntilAsync("a worker holds batches", async () => await SeedApi.BusyAsync(seed, workers[0]) || await SeedApi.BusyAsync(seed, workers[1]));

        seed.KillHard();
        await _cluster.WaitUntilAsync("both workers say they are unhealthy", async () => !await SeedApi.HealthyAsync(workers[0]) && !await SeedApi.HealthyAsync(workers[1]));
        var restarted = _cluster.Start(seed, ("CLUSTER_ROLES", "seed"));
        var back = await _cluster.WaitUntilAsync("both workers registered with the restarted seed", async () => await SeedApi.WorkersAsync(restarted) == 2);
        output.WriteLine($"workers back {back.TotalSeconds:0.0} s after the seed's restart");

        // The lost job is back from the seed's journal on disk, and goes on with the workers that joined again.
        SeedApi.AssertExact(await _cluster.WaitForFinishedAsync(restarted, lost), Long);
        await _cluster.WaitUntilAsync("both workers say they are healthy", async () => await SeedApi.HealthyAsync(workers[0]) && await SeedApi.HealthyAsync(workers[1]));
        var job = await SeedApi.SubmitAsync(restarted, """{"from": 1, "til": 300000}""");
        SeedApi.AssertExact(await _cluster.WaitForFinishedAsync(restarted, job), Short);
        Assert.All(workers, w => Assert.False(w.HasExited, "a worker exited"));
    }

    [Fact]
    public async Task Workers_should_join_a_seed_stopped_gracefully_again_once_it_is_restarted()
    {
        var (seed, workers) = await _cluster.StartSeedAndTwoWorkersAsync();
        var stopped = await SeedApi.SubmitAsync(seed, """{"from": 1, "til": 2000000}""");
        await _cluster.WaitUntilAsync("a worker holds batches", async () => await SeedApi.BusyAsync(seed, workers[0]) || await SeedApi.BusyAsync(seed, workers[1]));

        // What Ctrl+C and docker stop send: the seed leaves the cluster, so nothing is unreachable and nobody is downed.
        seed.Terminate();
        Assert.True(await seed.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the seed did not exit within 30 s of SIGTERM");
        Assert.Equal(0, seed.ExitCode);
        var restarted = _cluster.Start(seed, ("CLUSTER_ROLES", "seed"));
        var back = await _cluster.WaitUntilAsync("both workers registered with the restarted seed", async () => await SeedApi.WorkersAsync(restarted) == 2);
        output.WriteLine($"workers back {back.TotalSeconds:0.0} s after the seed's restart");

        SeedApi.AssertExact(await _cluster.WaitForFinishedAsync(restarted, stopped), Long);
        await _cluster.WaitUntilAsync("both workers say they are healthy", async () => await SeedApi.HealthyAsync(workers[0]) && await SeedApi.HealthyAsync(workers[1]));
        var job = await SeedApi.SubmitAsync(restarted, """{"from": 1, "til": 300000}""");
        SeedApi.AssertExact(await _cluster.WaitForFinishedAsync(restarted, job), Short);
        Assert.All(workers, w =>
        {
            Assert.False(w.HasExited, "a worker exited");
            Assert.Contains($"The last seed, {seed.Address}, has left the cluster", w.Output, StringComparison.Ordinal);
        });

        // Back in the cluster as a new incarnation, each still stops as told, cleanly.
        foreach (var worker in workers)
        {
            worker.Terminate();
        }

        foreach (var worker in workers)
        {
            Assert.True(await worker.WaitForExitAsync(TimeSpan.FromSeconds(30)), "a worker did not exit within 30 s of SIGTERM");
            Assert.Equal(0, worker.ExitCode);
        }
    }

    [Fact]
    public async Task Jobs_should_end_exact_when_two_of_three_seeds_are_stopped_gracefully_and_restarted()
    {
        int[] ports = [NodeProcess.FreePort(), NodeProcess.FreePort(), NodeProcess.FreePort()];
        var seedList = ("CLUSTER_SEEDS", string.Join(',', ports.Select(p => $"akka.tcp://primecluster@127.0.0.1:{p}")));
        var seeds = ports.Select(p => _cluster.StartAt(p, ("CLUSTER_ROLES", "seed"), seedList)).ToArray();
        var workers = Enumerable.Range(0, 2).Select(_ => _cluster.Start(("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), seedList)).ToArray();
        var third = seeds[2];
        await _cluster.WaitUntilAsync("three seeds and two workers up", async () => await SeedApi.UpMembersAsync(third) == 5);
        await _cluster.WaitUntilAsync("two workers registered", async () => await SeedApi.WorkersAsync(third) == 2);
        var running = await SeedApi.SubmitAsync(third, """{"from": 1, "til": 2000000}""");
        await _cluster.WaitUntilAsync("a worker holds batches", async () => await SeedApi.BusyAsync(third, workers[0]) || await SeedApi.BusyAsync(third, workers[1]));

        // The first seed is the oldest and holds the coordinator: it moves to the third.
        seeds[0].Terminate();
        seeds[1].Terminate();
        foreach (var stopped in seeds[..2])
        {
            Assert.True(await stopped.WaitForExitAsync(TimeSpan.FromSeconds(30)), "a seed did not exit within 30 s of SIGTERM");
            Assert.Equal(0, stopped.ExitCode);
        }

        NodeProcess[] restarted = [.. seeds[..2].Select(s => _cluster.Start(s, ("CLUSTER_ROLES", "seed"), seedList))];
        var back = await _cluster.WaitUntilAsync("both seeds back beside the third and both workers", async () => await SeedApi.UpMembersAsync(third) == 5);
        output.WriteLine($"both seeds back {back.TotalSeconds:0.0} s after their restart");

        SeedApi.AssertExact(await _cluster.WaitForFinishedAsync(third, running), Long);
        var job = await SeedApi.SubmitAsync(restarted[0], """{"from": 1, "til": 300000}""");
        SeedApi.AssertExact(await _cluster.WaitForFinishedAsync(restarted[0], job), Short);
        Assert.Equal(2, await SeedApi.WorkersAsync(restarted[0]));
        Assert.All(workers, w =>
        {
            // A seed stayed all along: the workers had no reason to leave.
            Assert.False(w.HasExited, "a worker exited");
            Assert.DoesNotContain("joining the seeds again", w.Output, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_paused_seed_should_serve_again_once_it_continues()
    {
        var (seed, workers) = await _cluster.StartSeedAndTwoWorkersAsync();
        var running = await SeedApi.SubmitAsync(seed, """{"from": 1, "til": 2000000}""");
        await _cluster.WaitUntilAsync("a worker holds batches", async () => await SeedApi.BusyAsync(seed, workers[0]) || await SeedApi.BusyAsync(seed, workers[1]));

        seed.Pause();
        try
        {
            // Long enough for the workers to give up on the seed: each has left the cluster and is joining again.
            await _cluster.WaitUntilAsync("both workers say they are unhealthy", async () => !await SeedApi.HealthyAsync(workers[0]) && !await SeedApi.HealthyAsync(workers[1]));
            await _cluster.WaitUntilAsync("both workers were downed and join again", () => Task.FromResult(workers.All(w => w.Output.Contains("joining the seeds again", StringComparison.Ordinal))));
        }
        finally
        {
            seed.Resume();
        }

        // The job lives in the seed, which was never lost: it goes on with the workers that join again, and ends exact.
        SeedApi.AssertExact(await _cluster.WaitForFinishedAsync(seed, running), Long);
        await _cluster.WaitUntilAsync("both workers registered again", async () => await SeedApi.WorkersAsync(seed) == 2);
        var job = await SeedApi.SubmitAsync(seed, """{"from": 1, "til": 300000}""");
        SeedApi.AssertExact(await _cluster.WaitForFinishedAsync(seed, job), Short);
        Assert.False(seed.HasExited, "the seed exited");
    }

    public void Dispose() => _cluster.Dispose();
}
