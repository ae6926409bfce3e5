using System.Text.Json;
using PrimeCluster.Core.Kernels;
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
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly List<NodeProcess> _nodes = [];
    private readonly string _config = Path.Combine(Path.GetTempPath(), $"primecluster-e2e-{Guid.NewGuid():N}.hocon");

    [Fact]
    public async Task Jobs_should_end_exact_when_a_worker_is_killed_and_another_leaves()
    {
        // Downing in seconds, what a test can wait for; the failure detector keeps its 3 s pause, since other tests may
        // keep both cores busy meanwhile. Everything else is the built-in cluster.hocon.
        await File.WriteAllTextAsync(_config, """
            akka.cluster.split-brain-resolver.stable-after = 2s
            """);
        var seed = Start(("CLUSTER_ROLES", "seed"));
        var killed = Start(("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), ("CLUSTER_SEEDS", seed.Address));
        var leaving = Start(("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), ("CLUSTER_SEEDS", seed.Address));
        await WaitUntilAsync("two workers registered", async () => (await ClusterAsync(seed)).GetProperty("totals").GetProperty("workers").GetInt32() == 2);

        // A worker can register while still joining; until all three are Up, losing one leaves the seed no majority.
        await WaitUntilAsync("all three nodes are up", async () =>
            (await ClusterAsync(seed)).GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "up") == 3);
        var expected = SieveKernel.Instance.Count(1, 2_000_000);

        var first = await SubmitAsync(seed, """{"from": 1, "til": 2000000}""");
        await WaitUntilAsync("the first worker holds batches", async () => await BusyAsync(seed, killed));
        killed.KillHard();
        var firstResult = await WaitForFinishedAsync(seed, first);

        Assert.Equal("done", firstResult.GetProperty("state").GetString());
        Assert.Equal(expected.PrimeCount.ToString(System.Globalization.CultureInfo.InvariantCulture), firstResult.GetProperty("prime_count").GetRawText());
        Assert.Equal(expected.CheckCount.ToString(), firstResult.GetProperty("check_count").GetRawText());

        var second = await SubmitAsync(seed, """{"from": 1, "til": 2000000}""");
        await WaitUntilAsync("the second worker holds batches", async () => await BusyAsync(seed, leaving));
        leaving.Terminate();
        Assert.True(await leaving.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the leaving worker did not exit within 30 s");
        Assert.Equal(0, leaving.ExitCode);
        await WaitUntilAsync("the seed sees the leaver removed", async () => !(await MembersAsync(seed)).Contains(leaving.Address));
        Assert.Equal("running", (await JobAsync(seed, second)).GetProperty("state").GetString());

        Start(("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), ("CLUSTER_SEEDS", seed.Address));
        var secondResult = await WaitForFinishedAsync(seed, second);

        Assert.Equal(expected.CheckCount.ToString(), secondResult.GetProperty("check_count").GetRawText());
        Assert.Equal(expected.PrimeCount.ToString(System.Globalization.CultureInfo.InvariantCulture), secondResult.GetProperty("prime_count").GetRawText());
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
    public async Task A_taken_cluster_port_should_stop_the_node_with_one_line_and_exit_code_1()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (exitCode, _, stderr) = await NodeProcess.RunToExitAsync(new Dictionary<string, string> { ["CLUSTER_PORT"] = port });

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"primecluster-node: could not start: Failed to bind to [127.0.0.1:{port}]: ", stderr.TrimEnd().Split('\n')[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flag_should_win_over_its_environment_variable()
    {
        var (exitCode, _, stderr) = await NodeProcess.RunToExitAsync(new Dictionary<string, string> { ["CLUSTER_PORT"] = "4100" }, "--port", "123456");

        Assert.Equal(2, exitCode);
        Assert.Contains("'123456'", stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            if (node.HasExited && node.ExitCode != 0)
            {
                output.WriteLine($"--- node on port {node.ClusterPort} exited with {node.ExitCode}:\n{node.Output}");
            }

            node.Dispose();
        }

        File.Delete(_config);
    }

    private NodeProcess Start(params (string Name, string Value)[] environment)
    {
        var variables = environment.ToDictionary(e => e.Name, e => e.Value);
        variables["CLUSTER_CONFIG"] = _config;
        var node = NodeProcess.Start(variables);
        _nodes.Add(node);
        return node;
    }

    private static Task<string> SubmitAsync(NodeProcess seed, string body) => SeedApi.SubmitAsync(seed, body);

    private static Task<JsonElement> JobAsync(NodeProcess seed, string id) => SeedApi.JobAsync(seed, id);

    private static Task<JsonElement> ClusterAsync(NodeProcess seed) => SeedApi.ClusterAsync(seed);

    private static Task<List<string>> MembersAsync(NodeProcess seed) => SeedApi.MembersAsync(seed);

    private static async Task<bool> BusyAsync(NodeProcess seed, NodeProcess worker) =>
        (await ClusterAsync(seed)).GetProperty("members").EnumerateArray()
            .Any(m => m.GetProperty("address").GetString() == worker.Address && m.GetProperty("busy").GetInt32() > 0);

    private Task<JsonElement> WaitForFinishedAsync(NodeProcess seed, string id) => SeedApi.WaitForFinishedAsync(seed, id, Bound, output);

    private Task WaitUntilAsync(string what, Func<Task<bool>> condition) => SeedApi.WaitUntilAsync(what, Bound, output, condition);
}
