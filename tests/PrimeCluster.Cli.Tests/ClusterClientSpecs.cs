using System.Net;
using System.Text;
using PrimeCluster.Cli.Client;

namespace PrimeCluster.Cli.Tests;

/// <summary>How the client reads answers that are not a job, from an HTTP handler in this process.</summary>
public sealed class ClusterClientSpecs
{
    private static readonly Uri Url = new("http://127.0.0.1:18081/");

    [Fact]
    public async Task A_seeds_404_for_the_id_should_mean_an_unknown_job()
    {
        using var client = new ClusterClient(Url, token: null, new Answering(HttpStatusCode.NotFound, """{"error": "there is no job 'x'", "field": "id"}"""));

        Assert.Null(await client.GetJobAsync("x", CancellationToken.None));
    }

    [Fact]
    public async Task A_404_of_a_server_that_is_no_seed_should_be_a_refusal_not_an_unknown_job()
    {
        using var client = new ClusterClient(Url, token: null, new Answering(HttpStatusCode.NotFound, string.Empty));

        var refused = await Assert.ThrowsAsync<ClusterRefusedException>(() => client.GetJobAsync("x", CancellationToken.None));

        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
        Assert.Null(refused.Error);
        Assert.Equal("404 NotFound", refused.Message);
    }

    /// <summary>Answers every request with one status and body.</summary>
    private sealed class Answering(HttpStatusCode status, string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json"), RequestMessage = request });
    }
}
