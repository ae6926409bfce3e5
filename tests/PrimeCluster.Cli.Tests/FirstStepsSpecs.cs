using System.Text.Json;
using PrimeCluster.Cli.Commands;
using PrimeCluster.Testing;

namespace PrimeCluster.Cli.Tests;

/// <summary>
/// What a new user meets first: a seed with no jobs yet, and the API of a worker node mistaken for a seed's. No test
/// here submits a job, so that the seed stays without any.
/// </summary>
public sealed class FirstStepsSpecs(FreshNodesFixture fixture) : IClassFixture<FreshNodesFixture>
{
    [Theory]
    [InlineData("status")]
    [InlineData("jobs")]
    [InlineData("watch", "abc123defg")]
    [InlineData("cancel", "abc123defg")]
    [InlineData("submit", "1", "1000")]
    public async Task A_worker_nodes_url_should_be_named_as_such_in_one_line(params string[] args)
    {
        var url = fixture.Worker.Api.ToString();

        var run = await CliRun.InvokeAsync([.. args, "--cluster", url]);

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.Equal($"primecluster: {url} is a worker node's API, which serves no jobs; point --cluster (or ${RemoteOptions.UrlVariable}) at a seed's API.\n", run.Error);
    }

    [Fact]
    public async Task Jobs_on_a_cluster_without_any_should_say_so_on_stderr_and_keep_stdout_to_the_header()
    {
        var table = await CliRun.InvokeAsync("jobs", "--cluster", fixture.Seed.Api.ToString());
        var json = await CliRun.InvokeAsync("jobs", "--cluster", fixture.Seed.Api.ToString(), "--json");

        Assert.Equal(ExitCodes.Done, table.ExitCode);
        Assert.Equal(["id", "state", "range", "algorithm", "progress", "batches", "elapsed"], table.Out.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal($"primecluster: no jobs on {fixture.Seed.Api} yet; submit one with: primecluster submit FROM TIL\n", table.Error);
        Assert.Equal(ExitCodes.Done, json.ExitCode);
        Assert.Equal("[]", json.Out.Trim());
    }

    [Fact]
    public async Task Cluster_given_before_the_command_should_be_taken()
    {
        var run = await CliRun.InvokeAsync("--cluster", fixture.Seed.Api.ToString(), "status", "--json");

        Assert.Equal(ExitCodes.Done, run.ExitCode);
        Assert.Equal(1, JsonDocument.Parse(run.Out).RootElement.GetProperty("totals").GetProperty("workers").GetInt32());
    }

    [Fact]
    public async Task Status_of_one_node_with_one_worker_should_say_so_in_the_singular()
    {
        var run = await CliRun.InvokeAsync("status", "--cluster", fixture.Seed.Api.ToString());

        Assert.Equal(ExitCodes.Done, run.ExitCode);
        Assert.Contains("\n1 member, 1 worker, 0 busy; leader ", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_given_as_host_and_port_should_be_taken_as_http()
    {
        var run = await CliRun.InvokeAsync("status", "--json", "--cluster", $"127.0.0.1:{fixture.Seed.Api.Port}");

        Assert.Equal(ExitCodes.Done, run.ExitCode);
        Assert.Equal(1, JsonDocument.Parse(run.Out).RootElement.GetProperty("totals").GetProperty("members").GetInt32());
    }
}

/// <summary>
/// A seed with one worker actor that no test gives a job, and a worker-only node whose seed is a closed port: its API
/// is up (serving /healthz) though it never joins.
/// </summary>
public sealed class FreshNodesFixture : IDisposable
{
    public FreshNodesFixture()
    {
        Seed = NodeProcess.Start(new Dictionary<string, string> { ["WORKERS"] = "1" });
        Worker = NodeProcess.Start(new Dictionary<string, string>
        {
            ["CLUSTER_ROLES"] = "worker",
            ["WORKERS"] = "1",
            ["CLUSTER_SEEDS"] = "akka.tcp://primecluster@127.0.0.1:1",
        });
        NodeWait.Until(() => NodeWait.HasWorkers(Seed, 1) && NodeWait.Answers(Worker), Seed, Worker);
    }

    public NodeProcess Seed { get; }

    public NodeProcess Worker { get; }

    public void Dispose()
    {
        Worker.Dispose();
        Seed.Dispose();
    }
}
