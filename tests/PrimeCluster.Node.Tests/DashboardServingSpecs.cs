using System.Net;

namespace PrimeCluster.Node.Tests;

public sealed class DashboardServingSpecs
{
    [Fact]
    public async Task A_seed_with_a_token_should_serve_the_page_without_it_and_still_refuse_data_without_it()
    {
        await using var node = await NodeUnderTest.StartAsync(token: "open-sesame");
        using var anonymous = new HttpClient { BaseAddress = node.Http.BaseAddress };

        var page = await anonymous.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("dashboard/app.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        foreach (var (path, type) in new[] { ("/dashboard/app.js", "text/javascript"), ("/dashboard/style.css", "text/css"), ("/dashboard/icon.svg", "image/svg+xml") })
        {
            var asset = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal(type, asset.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/dashboard/missing.js")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/dashboard/../jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/cluster")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/", new StringContent("{}"))).StatusCode);
    }

    [Fact]
    public async Task The_page_should_be_revalidated_by_its_etag()
    {
        await using var node = await NodeUnderTest.StartAsync();
        var first = await node.Http.GetAsync("/dashboard/app.js");
        var etag = first.Headers.ETag!;

        using var again = new HttpRequestMessage(HttpMethod.Get, "/dashboard/app.js");
        again.Headers.IfNoneMatch.Add(etag);
        var second = await node.Http.SendAsync(again);

        Assert.Equal("no-cache", first.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task A_worker_only_node_should_not_serve_the_page()
    {
        await using var node = await NodeUnderTest.StartAsync(roles: "worker", workers: 1);

        Assert.Equal(HttpStatusCode.NotFound, (await node.Http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await node.Http.GetAsync("/dashboard/app.js")).StatusCode);
    }
}
