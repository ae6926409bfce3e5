using PrimeCluster.Testing;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// The image's health check, docker/healthcheck.sh (primecluster-healthcheck), against a node: it asks /healthz from
/// bash, with the token, as a container's engine or Kubernetes runs it.
/// </summary>
public sealed class HealthCheckScriptSpecs
{
    private static readonly string Script = Path.Combine(
        Binaries.Repository ?? throw new InvalidOperationException("These specs run from a checkout of PrimeCluster: no PrimeCluster.sln above the tests."),
        "docker",
        "healthcheck.sh");

    [Fact]
    public async Task The_probe_should_pass_a_node_up_in_the_cluster_with_its_token_and_fail_a_wrong_token()
    {
        await using var node = await NodeUnderTest.StartAsync(token: "s3cret");
        await node.WaitUntilUpAsync();

        // A node listening on every interface is asked on loopback: the image's API_URL.
        var everywhere = $"http://0.0.0.0:{node.Http.BaseAddress!.Port}";
        Assert.Equal(0, (await ProbeAsync(everywhere, "s3cret")).ExitCode);

        var wrong = await ProbeAsync(everywhere, "wrong");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("answered HTTP/1.1 401", wrong.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_probe_should_fail_a_node_not_yet_up_unless_asked_whether_it_lives()
    {
        // A worker whose seed never answers stays joining: /healthz answers 503, starting.
        await using var node = await NodeUnderTest.StartAsync(roles: "worker", workers: 1);
        var url = node.Http.BaseAddress!.ToString().TrimEnd('/');

        var ready = await ProbeAsync(url, token: null);
        Assert.Equal(1, ready.ExitCode);
        Assert.Contains("answered HTTP/1.1 503", ready.Stderr, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"starting\"", ready.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, (await ProbeAsync(url, token: null, "--live")).ExitCode);
    }

    [Fact]
    public async Task The_probe_should_fail_where_no_node_listens_even_for_liveness()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        var probe = await ProbeAsync($"http://127.0.0.1:{port}", token: null, "--live");
        Assert.Equal(1, probe.ExitCode);
        Assert.Contains("cannot be reached", probe.Stderr, StringComparison.Ordinal);
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> ProbeAsync(string apiUrl, string? token, params string[] args) =>
        DotnetProcess.RunProgramAsync(
            "bash",
            [Script, .. args],
            new Dictionary<string, string> { ["API_URL"] = apiUrl, ["API_TOKEN"] = token ?? string.Empty, ["CLUSTER_CONFIG"] = string.Empty },
            TimeSpan.FromSeconds(30));
}
