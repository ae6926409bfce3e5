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

    [Theory]
    [InlineData("/dashboard")]
    [InlineData("/dashboard/")]
    public async Task The_dashboard_folder_should_lead_to_the_page(string path)
    {
        await using var node = await NodeUnderTest.StartAsync(token: "open-sesame");
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = node.Http.BaseAddress };

        var answer = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal("/", answer.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_workers_page_should_say_it_is_a_worker_and_link_the_seeds_dashboard()
    {
        await using var seed = await NodeUnderTest.StartAsync(roles: "seed", token: "open-sesame");
        await seed.WaitUntilUpAsync();
        await using var worker = await NodeUnderTest.StartAsync(roles: "worker", workers: 1, token: "open-sesame", seeds: seed.ClusterAddress);
        using var browser = new HttpClient { BaseAddress = worker.Http.BaseAddress };
        var link = $"<a href=\"{seed.Http.BaseAddress}\">{seed.Http.BaseAddress}</a>: seed <code>{seed.ClusterAddress}</code>";

        // Linked once the worker sees the seed up and the seed has said where its API is.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        HttpResponseMessage page;
        string html;
        do
        {
            page = await browser.GetAsync("/");
            html = await page.Content.ReadAsStringAsync();
        }
        while (!html.Contains(link, StringComparison.Ordinal) && DateTimeOffset.UtcNow < deadline && await Delay());

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>PrimeCluster worker node</h1>", html, StringComparison.Ordinal);
        Assert.Contains(worker.ClusterAddress, html, StringComparison.Ordinal);
        Assert.Contains(link, html, StringComparison.Ordinal);
        Assert.StartsWith("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task A_worker_that_sees_no_seed_should_say_so()
    {
        await using var node = await NodeUnderTest.StartAsync(roles: "worker", workers: 1);

        var html = await node.Http.GetStringAsync("/");

        Assert.Contains("No seed is up in the cluster as this node sees it", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8080", "10.0.0.5", "http://10.0.0.5:8080/")]
    [InlineData("http://[::]:8080", "seed-1", "http://seed-1:8080/")]
    [InlineData("https://+:8443", "seed-1", "https://seed-1:8443/")]
    [InlineData("http://127.0.0.1:18080", "10.0.0.5", "http://127.0.0.1:18080/")]
    public void A_seed_should_give_the_address_it_listens_on_as_others_reach_it(string listening, string publicHost, string advertised)
    {
        Assert.Equal(advertised, Dashboard.WorkerPage.Advertised(listening, publicHost));
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(200);
        return true;
    }
}
