using System.Globalization;
using PrimeCluster.Core;
using PrimeCluster.Testing;
using Xunit.Abstractions;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// A node that cannot have what it needs (its cluster port, its API port, its data directory) stops at start with one
/// line naming the setting and the cause, and exit code 1, before it has listened on anything or joined anyone; the
/// node that holds what it wanted goes on as before. The holders are nodes of this product, as a user would start them
/// twice.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StartFailureSpecs(ITestOutputHelper output) : IDisposable
{
    private readonly ProcessCluster _cluster = new(output, string.Empty);

    [Fact]
    public async Task A_worker_started_on_another_workers_cluster_port_should_stop_with_one_line_and_the_first_should_stay_a_member()
    {
        var seed = _cluster.Start(("CLUSTER_ROLES", "seed"));
        var first = _cluster.Start(("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), ("CLUSTER_SEEDS", seed.Address));
        // A member, not only registered: a worker asks for work while it is still joining, before it sees itself up.
        await _cluster.WaitUntilAsync("the worker registered and up", async () => await SeedApi.WorkersAsync(seed) == 1 && await SeedApi.HealthyAsync(first));

        var (exitCode, stdout, stderr) = await StartAgainAsync(first, ("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), ("CLUSTER_SEEDS", seed.Address));

        AssertOneLine(exitCode, stdout, stderr, $"CLUSTER_PORT: 127.0.0.1:{first.ClusterPort} is taken by another PrimeCluster node on this machine");
        var job = await SeedApi.SubmitAsync(seed, """{"from": 1, "til": 300000}""");
        SeedApi.AssertExact(await _cluster.WaitForFinishedAsync(seed, job), new NumberRange(1, 300_000));
        Assert.Equal(1, await SeedApi.WorkersAsync(seed));
        Assert.True(await SeedApi.HealthyAsync(first), "the first worker is not healthy");
        Assert.Single(Lines(seed.Output, $"{first.Address} joined the cluster"));
        Assert.DoesNotContain("Downed", first.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_seed_started_twice_should_stop_the_second_with_one_line_naming_the_cluster_port_not_the_data_directory()
    {
        var seed = _cluster.Start(("CLUSTER_ROLES", "seed,worker"), ("WORKERS", "1"));
        await _cluster.WaitUntilAsync("the seed's worker registered", async () => await SeedApi.WorkersAsync(seed) == 1);

        // Started twice as a user would: the same port and so, by default, the same data directory.
        var (exitCode, stdout, stderr) = await StartAgainAsync(seed, ("CLUSTER_ROLES", "seed,worker"), ("WORKERS", "1"), ("DATA_DIR", seed.DataDir));

        AssertOneLine(exitCode, stdout, stderr, $"CLUSTER_PORT: 127.0.0.1:{seed.ClusterPort} is taken by another PrimeCluster node on this machine");
        var job = await SeedApi.SubmitAsync(seed, """{"from": 1, "til": 300000}""");
        SeedApi.AssertExact(await _cluster.WaitForFinishedAsync(seed, job), new NumberRange(1, 300_000));
        Assert.Single(await SeedApi.MembersAsync(seed));
        Assert.Single(Lines(seed.Output, "forming a new cluster"));
    }

    [Fact]
    public async Task A_cluster_port_another_program_listens_on_should_stop_the_node_with_one_line()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, stdout, stderr) = await NodeProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["CLUSTER_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["API_URL"] = $"http://127.0.0.1:{NodeProcess.FreePort()}",
        });

        AssertOneLine(exitCode, stdout, stderr, $"CLUSTER_PORT: 127.0.0.1:{port} is in use by another process");
    }

    [Fact]
    public async Task A_node_started_on_another_nodes_API_port_should_stop_with_one_line_before_it_joins()
    {
        var seed = _cluster.Start(("CLUSTER_ROLES", "seed"));
        await _cluster.WaitUntilAsync("the seed is up", async () => await SeedApi.UpMembersAsync(seed) == 1);
        var api = $"127.0.0.1:{seed.Api.Port}";

        var (exitCode, stdout, stderr) = await NodeProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["CLUSTER_ROLES"] = "worker",
            ["CLUSTER_SEEDS"] = seed.Address,
            ["CLUSTER_PORT"] = NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["API_URL"] = $"http://{api}",
        });

        AssertOneLine(exitCode, stdout, stderr, $"API_URL: {api} is in use by another process");
        Assert.Single(await SeedApi.MembersAsync(seed));
        Assert.Empty(Lines(seed.Output, "joined the cluster"));
    }

    [Fact]
    public async Task A_seed_on_a_data_directory_another_seed_holds_should_stop_with_one_line_saying_so()
    {
        var seed = _cluster.Start(("CLUSTER_ROLES", "seed"));
        await _cluster.WaitUntilAsync("the seed is up", async () => await SeedApi.UpMembersAsync(seed) == 1);

        var (exitCode, stdout, stderr) = await NodeProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["CLUSTER_ROLES"] = "seed",
            ["CLUSTER_SEEDS"] = seed.Address,
            ["CLUSTER_PORT"] = NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["API_URL"] = $"http://127.0.0.1:{NodeProcess.FreePort()}",
            ["DATA_DIR"] = seed.DataDir,
        });

        AssertOneLine(exitCode, stdout, stderr, $"DATA_DIR: {seed.DataDir} is in use by another node, which holds its lock");
        Assert.Single(await SeedApi.MembersAsync(seed));
    }

    [Fact]
    public async Task A_read_only_data_directory_should_stop_the_seed_with_one_line_saying_so()
    {
        using var readOnly = new ReadOnlyDirectory();

        var (exitCode, stdout, stderr) = await NodeProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["CLUSTER_PORT"] = NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["API_URL"] = $"http://127.0.0.1:{NodeProcess.FreePort()}",
            ["DATA_DIR"] = readOnly.Path,
        });

        AssertOneLine(exitCode, stdout, stderr, $"DATA_DIR: {readOnly.Path} is read-only to this user");
    }

    [Fact]
    public async Task A_node_stopped_with_SIGTERM_while_it_starts_should_exit_0_with_no_error()
    {
        var node = _cluster.Start(("CLUSTER_ROLES", "seed"));

        // Its first line ends the host's build: the signal comes as the node starts its actor system and its API.
        await _cluster.WaitUntilAsync("the node says what it starts", () => Task.FromResult(node.Output.Contains("PrimeCluster node with roles", StringComparison.Ordinal)));
        node.Terminate();

        Assert.True(await node.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the node did not exit within 60 s of SIGTERM");
        Assert.Equal(0, node.ExitCode);
        Assert.DoesNotContain(" fail: ", node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", node.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _cluster.Dispose();

    /// <summary>Starts a node again at <paramref name="holder"/>'s cluster port, with an API port of its own, and waits for it to end.</summary>
    private static Task<(int ExitCode, string Stdout, string Stderr)> StartAgainAsync(NodeProcess holder, params (string Name, string Value)[] environment)
    {
        var variables = environment.ToDictionary(e => e.Name, e => e.Value);
        variables["CLUSTER_PORT"] = holder.ClusterPort.ToString(CultureInfo.InvariantCulture);
        variables["API_URL"] = $"http://127.0.0.1:{NodeProcess.FreePort()}";
        return NodeProcess.RunToExitAsync(variables);
    }

    /// <summary>Exit code 1, nothing on stdout (no log: the node never started), one line on stderr.</summary>
    private static void AssertOneLine(int exitCode, string stdout, string stderr, string start)
    {
        Assert.Equal(1, exitCode);
        Assert.Empty(stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"primecluster-node: {start}", line, StringComparison.Ordinal);
    }

    private static List<string> Lines(string output, string containing) =>
        [.. output.Split('\n').Where(l => l.Contains(containing, StringComparison.Ordinal))];
}
