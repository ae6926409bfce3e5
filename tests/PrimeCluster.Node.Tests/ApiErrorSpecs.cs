using System.Net;
using System.Text.Json;

namespace PrimeCluster.Node.Tests;

public sealed class ApiErrorSpecs
{
    [Fact]
    public async Task A_seed_whose_coordinator_does_not_answer_should_answer_503_saying_why()
    {
        // A seed that joins a cluster it never reaches: no coordinator answers its asks.
        await using var node = await NodeUnderTest.StartAsync(roles: "seed,worker", seeds: "akka.tcp://primecluster@127.0.0.1:1");

        using var answer = await node.Http.GetAsync("/jobs");
        var error = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal("the coordinator did not answer in time; the cluster may still be forming or have lost its seeds", error);
    }
}
