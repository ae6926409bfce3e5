using System.Globalization;
using System.Net.Http.Headers;
using PrimeCluster.Actors.Security;
using PrimeCluster.Testing;
using Xunit.Abstractions;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// A seed and two worker node processes, their APIs on https with a bearer token, scraped every second by a real
/// Prometheus the way an operator would set it up: <c>authorization</c> with the token, <c>tls_config.ca_file</c> with
/// the cluster's CA. A job runs through the API, and Prometheus ends up with its exact count of checks.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PrometheusSpecs(ITestOutputHelper output) : IDisposable
{
    private const string Token = "metrics-token";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private readonly List<NodeProcess> _nodes = [];
    private PrometheusServer? _prometheus;

    [Fact]
    public async Task Prometheus_should_scrape_every_node_and_sum_the_jobs_exact_check_count()
    {
        var prometheus = PrometheusServer.Binary;
        var seed = Start(("CLUSTER_ROLES", "seed"));
        Start(("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), ("CLUSTER_SEEDS", seed.Address));
        Start(("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), ("CLUSTER_SEEDS", seed.Address));
        _prometheus = await PrometheusServer.StartAsync(prometheus, $"""
              - job_name: primecluster
                scheme: https
                authorization:
                  credentials: {Token}
                tls_config:
                  ca_file: {_certificates.AuthorityPath}
                static_configs:
                  - targets: [{string.Join(", ", _nodes.Select(n => $"'127.0.0.1:{n.Api.Port}'"))}]
            """);
        await SeedApi.WaitUntilAsync("two workers registered", Bound, output, async () => await SeedApi.WorkersAsync(seed) == 2);

        var id = await SeedApi.SubmitAsync(seed, """{"from": 1, "til": 1000000}""");
        var job = await SeedApi.WaitForFinishedAsync(seed, id, Bound, output);
        SeedApi.AssertExact(job, new Core.NumberRange(1, 1_000_000));
        var checks = double.Parse(job.GetProperty("check_count").GetRawText(), CultureInfo.InvariantCulture);
        var batches = job.GetProperty("batches").GetInt32();

        // The workers hear of their counted checks with the job's last progress report, and Prometheus scrapes each
        // node every second, each at its own moment: the sums settle within seconds.
        await SeedApi.WaitUntilAsync("Prometheus sums the job's checks and batches", TimeSpan.FromSeconds(30), output, async () =>
            (await _prometheus.QueryAsync("sum(primecluster_checks_total)")) is [var (_, sum)] && sum == checks
            && (await _prometheus.QueryAsync("sum(primecluster_batches_completed_total)")) is [var (_, completed)] && completed == batches);
        var up = await _prometheus.QueryAsync("up");
        Assert.Equal(3, up.Count);
        Assert.All(up, target => Assert.Equal(1, target.Value));
        Assert.Equal(
            _nodes.Select(n => $"127.0.0.1:{n.Api.Port}").Order(StringComparer.Ordinal),
            up.Select(target => target.Labels.GetProperty("instance").GetString()!).Order(StringComparer.Ordinal));

        // Counted where they were computed: the seed, which has no workers, counted no checks.
        var byNode = await _prometheus.QueryAsync("primecluster_checks_total");
        Assert.DoesNotContain(byNode, series => series.Labels.GetProperty("instance").GetString() == $"127.0.0.1:{seed.Api.Port}");
        Assert.Equal(checks, byNode.Sum(series => series.Value));
        Assert.Equal([2.0], (await _prometheus.QueryAsync("sum(primecluster_workers_registered)")).Select(s => s.Value));
        Assert.Equal([2.0], (await _prometheus.QueryAsync("sum(primecluster_workers)")).Select(s => s.Value));
        Assert.Equal([3.0, 3.0, 3.0], (await _prometheus.QueryAsync("""primecluster_members{status="up"}""")).Select(s => s.Value));
        Assert.NotEmpty(await _prometheus.QueryAsync("dotnet_gc_heap_total_allocated_bytes_total"));
    }

    public void Dispose()
    {
        if (_prometheus is not null)
        {
            output.WriteLine($"--- prometheus:\n{_prometheus.Output}");
            _prometheus.Dispose();
        }

        foreach (var node in _nodes)
        {
            output.WriteLine(node.Report);
            node.Dispose();
        }

        _certificates.Dispose();
    }

    /// <summary>A node with mutual TLS on its cluster port, its API on https with the node certificate (for 127.0.0.1), and the token.</summary>
    private NodeProcess Start(params (string Name, string Value)[] settings)
    {
        var environment = _certificates.Environment(_certificates.Node);
        environment["API_TOKEN"] = Token;
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = new ClusterAuthority(_certificates.Authority).ServerCheck(hostName: "127.0.0.1", _ => { });
        var node = NodeProcess.Start(environment, https: true, handler);
        node.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        _nodes.Add(node);
        return node;
    }
}
