using System.Net;
using System.Net.Http.Headers;

namespace PrimeCluster.Node.Tests;

/// <summary>/metrics on every node, behind the API's guards: the token when there is one, else the node's own names.</summary>
public sealed class MetricsEndpointSpecs
{
    [Fact]
    public async Task Every_node_should_serve_its_metrics_in_prometheus_text()
    {
        await using var node = await NodeUnderTest.StartAsync(roles: "worker", workers: 1);

        using var response = await node.Http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE primecluster_workers gauge", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE primecluster_members gauge", text, StringComparison.Ordinal);

        // The names deploy/kubernetes's autoscaler queries.
        Assert.Contains("# TYPE primecluster_work_remaining_seconds gauge", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE primecluster_batches_remaining gauge", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE primecluster_workers_busy gauge", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_gc_collections_total counter", text, StringComparison.Ordinal);
        Assert.Contains("target_info{service_name=\"primecluster-node\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_token_metrics_should_need_it()
    {
        await using var node = await NodeUnderTest.StartAsync(token: "open-sesame");
        using var anonymous = new HttpClient { BaseAddress = node.Http.BaseAddress };
        using var wrong = new HttpClient { BaseAddress = node.Http.BaseAddress };
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sesame");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync("/metrics")).StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1", HttpStatusCode.OK)]
    [InlineData("localhost", HttpStatusCode.OK)]
    [InlineData("metrics.example", HttpStatusCode.BadRequest)]
    public async Task Without_a_token_metrics_should_answer_the_nodes_own_names_only(string host, HttpStatusCode expected)
    {
        await using var node = await NodeUnderTest.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Host = $"{host}:{node.Http.BaseAddress!.Port}";

        Assert.Equal(expected, (await node.Http.SendAsync(request)).StatusCode);
    }
}
