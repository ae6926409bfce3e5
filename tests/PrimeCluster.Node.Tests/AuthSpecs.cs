using System.Net;
using System.Net.Http.Headers;

namespace PrimeCluster.Node.Tests;

public sealed class AuthSpecs
{
    [Fact]
    public async Task With_a_token_every_request_should_need_it()
    {
        await using var node = await NodeUnderTest.StartAsync(token: "open-sesame");
        await node.WaitUntilUpAsync();
        using var anonymous = new HttpClient { BaseAddress = node.Http.BaseAddress };
        using var wrong = new HttpClient { BaseAddress = node.Http.BaseAddress };
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "open-sesame!");

        foreach (var path in new[] { "/jobs", "/cluster", "/healthz", "/jobs/x" })
        {
            var refused = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(path)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync("/jobs")).StatusCode);

        // The token is what guards the API then, whatever name the node is reached by.
        using var renamed = new HttpRequestMessage(HttpMethod.Get, "/jobs");
        renamed.Headers.Host = "cluster.example";
        Assert.Equal(HttpStatusCode.OK, (await node.Http.SendAsync(renamed)).StatusCode);
    }

    [Fact]
    public async Task The_bearer_scheme_should_match_in_any_case_and_the_token_exactly()
    {
        await using var node = await NodeUnderTest.StartAsync(token: "open-sesame");
        await node.WaitUntilUpAsync();
        using var anonymous = new HttpClient { BaseAddress = node.Http.BaseAddress };

        async Task<HttpStatusCode> GetAsync(string path, string? authorization)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await anonymous.SendAsync(request);
            return response.StatusCode;
        }

        // RFC 9110: the scheme is case-insensitive, the token is not.
        foreach (var scheme in new[] { "Bearer", "bearer", "BEARER", "bEaReR" })
        {
            Assert.Equal(HttpStatusCode.OK, await GetAsync("/jobs", $"{scheme} open-sesame"));
        }

        foreach (var wrong in new[] { "bearer Open-Sesame", "bearer open-sesame!", "Basic open-sesame", "bearer", "open-sesame", "Bearer  " })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync("/jobs", wrong));
        }

        // The dashboard's page holds no data: it asks for the token itself.
        Assert.Equal(HttpStatusCode.OK, await GetAsync("/", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync("/no/such/path", null));
    }

    [Fact]
    public async Task A_worker_only_node_should_serve_health_and_answer_the_job_api_421_saying_it_is_no_seed()
    {
        await using var node = await NodeUnderTest.StartAsync(roles: "worker", workers: 1);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await node.Http.GetAsync("/healthz")).StatusCode);
        foreach (var (method, path) in new[] { ("GET", "/jobs"), ("POST", "/jobs"), ("GET", "/jobs/abc123"), ("DELETE", "/jobs/abc123"), ("GET", "/jobs/abc123/events"), ("GET", "/cluster") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "POST")
            {
                request.Content = new StringContent("""{"from": 1, "til": 10}""", System.Text.Encoding.UTF8, "application/json");
            }

            using var response = await node.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
            using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Contains("no seed role", body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await node.Http.GetAsync("/favicon.ico")).StatusCode);
    }
}
