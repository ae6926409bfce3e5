using PrimeCluster.Core;
using PrimeCluster.Testing;
using Xunit.Abstractions;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// The built node as three processes on loopback, as a user would run them: a seed and two workers with one worker
/// actor each. One worker is killed outright mid-job, the other leaves gracefully mid-job; both jobs end exact.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EndToEndSpecs(ITestOutputHelper output) : IDisposable
{
    // Downing in seconds, what a test can wait for; the failure detector keeps its 3 s pause, since other tests may
    // keep both cores busy meanwhile. Everything else is the built-in cluster.hocon.
    private readonly ProcessCluster _cluster = new(output, "akka.cluster.split-brain-resolver.stable-after = 2s");

    [Fact]
    public async Task Jobs_should_end_exact_when_a_worker_is_killed_and_another_leaves()
    {
        var (seed, workers) = await _cluster.StartSeedAndTwoWorkersAsync();
        var (killed, leaving) = (workers[0], workers[1]);
        var range = new NumberRange(1, 2_000_000);

        var first = await SeedApi.SubmitAsync(seed, """{"from": 1, "til": 2000000}""");
        await _cluster.WaitUntilAsync("the first worker holds batches", async () => await SeedApi.BusyAsync(seed, killed));
        killed.KillHard();
        SeedApi.AssertExact(await _cluster.WaitForFinishedAsync(seed, first), range);

        var second = await SeedApi.SubmitAsync(seed, """{"from": 1, "til": 2000000}""");
        await _cluster.WaitUntilAsync("the second worker holds batches", async () => await SeedApi.BusyAsync(seed, leaving));
        leaving.Terminate();
        Assert.True(await leaving.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the leaving worker did not exit within 30 s");
        Assert.Equal(0, leaving.ExitCode);
        await _cluster.WaitUntilAsync("the seed sees the leaver removed", async () => !(await SeedApi.MembersAsync(seed)).Contains(leaving.Address));
        Assert.Equal("running", (await SeedApi.JobAsync(seed, second)).GetProperty("state").GetString());

        _cluster.Start(("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), ("CLUSTER_SEEDS", seed.Address));
        SeedApi.AssertExact(await _cluster.WaitForFinishedAsync(seed, second), range);
    }

    [Fact]
    public async Task Totals_should_not_count_the_workers_of_a_member_that_stopped_answering()
    {
        var (seed, workers) = await _cluster.StartSeedAndTwoWorkersAsync();

        // Frozen, as a killed container looks to its peers: no connection refused, only silence, until it is downed.
        workers[0].Pause();
        System.Text.Json.JsonElement cluster = default;
        await _cluster.WaitUntilAsync("the seed sees the frozen worker unreachable", async () =>
        {
            cluster = await SeedApi.ClusterAsync(seed);
            return cluster.GetProperty("members").EnumerateArray().Any(m => m.GetProperty("address").GetString() == workers[0].Address && !m.GetProperty("reachable").GetBoolean());
        });

        var frozen = cluster.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("address").GetString() == workers[0].Address);
        Assert.Equal(1, frozen.GetProperty("workers").GetInt32());
        Assert.Equal(3, cluster.GetProperty("totals").GetProperty("members").GetInt32());
        Assert.Equal(1, cluster.GetProperty("totals").GetProperty("workers").GetInt32());
    }

    [Theory]
    [InlineData("CLUSTER_PORT", "99999")]
    [InlineData("CLUSTER_ROLES", "seed,gardener")]
    [InlineData("CLUSTER_SEEDS", "not-an-address")]
    [InlineData("TLS_KEY", "/nonexistent/node.key")]
    [InlineData("TLS_CA", "/nonexistent/ca.crt")]
    [InlineData("API_URL", "https://127.0.0.1:8443")]
    public async Task A_bad_setting_should_stop_the_node_with_one_line_and_exit_code_2(string variable, string value)
    {
        var (exitCode, stdout, stderr) = await NodeProcess.RunToExitAsync(new Dictionary<string, string> { [variable] = value });

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.StartsWith($"primecluster-node: {variable}: ", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task A_flag_should_win_over_its_environment_variable()
    {
        var (exitCode, _, stderr) = await NodeProcess.RunToExitAsync(new Dictionary<string, string> { ["CLUSTER_PORT"] = "4100" }, "--port", "123456");

        Assert.Equal(2, exitCode);
        Assert.Contains("'123456'", stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _cluster.Dispose();
}
