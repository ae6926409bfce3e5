using System.Net;
using System.Text.Json;

namespace PrimeCluster.Node.Tests;

/// <summary>The job API of a seed node, over real HTTP on loopback; one node serves every test of the class.</summary>
public sealed class JobApiSpecs(SeedNodeFixture fixture) : IClassFixture<SeedNodeFixture>
{
    private readonly NodeUnderTest _node = fixture.Node;

    [Fact]
    public async Task Submitting_a_job_should_answer_202_with_its_url_and_end_with_the_exact_tuple()
    {
        var response = await _node.PostJsonAsync("/jobs", """{"from": 1, "til": 200000}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = accepted.RootElement.GetProperty("id").GetString()!;
        Assert.Equal($"/jobs/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal($"/jobs/{id}", accepted.RootElement.GetProperty("url").GetString());

        var job = await WaitForFinishedAsync(id);
        Assert.Equal("done", job.GetProperty("state").GetString());
        Assert.Equal("17984", job.GetProperty("prime_count").GetRawText());
        Assert.Equal("1711580852", job.GetProperty("check_count").GetRawText());
        Assert.Equal(job.GetProperty("progress").GetProperty("batches_total").GetInt64(), job.GetProperty("progress").GetProperty("batches_done").GetInt64());
        Assert.True(job.GetProperty("elapsed_ms").GetDouble() > 0);
        Assert.Contains(await GetJsonAsync("/jobs"), j => j.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Check_counts_beyond_64_bits_should_come_back_as_exact_json_integers()
    {
        var response = await _node.PostJsonAsync("/jobs", """{"from": "18446744073709551515", "til": 18446744073709551615, "algorithm": "sieve", "batches": 3}""");
        using var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var job = await WaitForFinishedAsync(accepted.RootElement.GetProperty("id").GetString()!);

        Assert.Equal("55340232221268346529", job.GetProperty("check_count").GetRawText());
        Assert.Equal(3, job.GetProperty("batches").GetInt64());
    }

    [Fact]
    public async Task A_formula_job_should_be_one_batch_whatever_count_was_asked_and_end_with_the_exact_tuple()
    {
        var response = await _node.PostJsonAsync("/jobs", """{"from": 0, "til": "100000000000", "algorithm": "formula", "batches": 8}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var job = await WaitForFinishedAsync(accepted.RootElement.GetProperty("id").GetString()!);
        Assert.Equal("done", job.GetProperty("state").GetString());
        Assert.Equal("formula", job.GetProperty("algorithm").GetString());
        Assert.Equal(1, job.GetProperty("batches").GetInt64());
        Assert.Equal("4118054813", job.GetProperty("prime_count").GetRawText());
        Assert.Equal("201467219457774791525", job.GetProperty("check_count").GetRawText());
    }

    [Theory]
    [InlineData("""{"til": 5}""", "from")]
    [InlineData("""{"from": 0}""", "til")]
    [InlineData("""{"from": -1, "til": 5}""", "from")]
    [InlineData("""{"from": "ten", "til": 5}""", "from")]
    [InlineData("""{"from": 1.5, "til": 5}""", "from")]
    [InlineData("""{"from": true, "til": 5}""", "from")]
    [InlineData("""{"from": 0, "til": 18446744073709551616}""", "til")]
    [InlineData("""{"from": 9, "til": 5}""", "from")]
    [InlineData("""{"from": 0, "til": 5, "algorithm": "magic"}""", "algorithm")]
    [InlineData("""{"from": 0, "til": 1000000000000001, "algorithm": "formula"}""", "til")]
    [InlineData("""{"from": 0, "til": 5, "split": 3}""", "split")]
    [InlineData("""{"from": 0, "til": 5, "batches": 0}""", "batches")]
    [InlineData("""{"from": 0, "til": 5, "batches": 100000000000}""", "batches")]
    [InlineData("""{"from": 0, "til": 5, "colour": "red"}""", "colour")]
    [InlineData("""{"from": 0, "til": """, "body")]
    [InlineData("""[1, 2]""", "body")]
    [InlineData("", "body")]
    [InlineData("""{"from": 0, "til": 5, "algorithm": "\ud800"}""", "body")]
    [InlineData("""{"from": 0, "til": 5, "\udfff": 1}""", "body")]
    [InlineData("""{"from": 0, "til": 5, "accept_cost": "yes"}""", "accept_cost")]
    [InlineData("""{"from": 0, "til": 20, "til": 18446744073709551615}""", "til")]
    [InlineData("""{"from": 0, "til": 20, "accept_cost": false, "accept_cost": true}""", "accept_cost")]
    public async Task Bad_input_should_answer_400_naming_the_field(string body, string field)
    {
        var response = await _node.PostJsonAsync("/jobs", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(field, error.RootElement.GetProperty("field").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.RootElement.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task A_body_that_is_not_utf8_should_answer_400()
    {
        var body = new ByteArrayContent([.. "{\"from\": 0, \"til\": 5, \"algorithm\": \""u8, 0xC3, 0x28, .. "\"}"u8]);
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var response = await _node.Http.PostAsync("/jobs", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("body", error.RootElement.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task A_body_that_is_not_json_should_answer_415(string contentType)
    {
        var body = new StringContent("""{"from": 0, "til": 5}""");
        body.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);

        var response = await _node.Http.PostAsync("/jobs", body);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task A_trial_job_over_the_cost_limit_should_need_accept_cost()
    {
        var refused = await _node.PostJsonAsync("/jobs", """{"from": 1, "til": 100000000}""");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal("accept_cost", error.RootElement.GetProperty("field").GetString());
        Assert.Contains("cost limit is 1 h 00 min", error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);

        var accepted = await _node.PostJsonAsync("/jobs", """{"from": 1, "til": 100000000, "accept_cost": true}""");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        using var job = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await _node.Http.DeleteAsync($"/jobs/{job.RootElement.GetProperty("id").GetString()}")).StatusCode);
    }

    [Fact]
    public async Task Jobs_should_come_in_pages_linked_newest_first()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await _node.PostJsonAsync("/jobs", """{"from": 1, "til": 1000}""")).StatusCode);
        }

        var all = (await GetJsonAsync("/jobs?limit=1000")).Select(j => j.GetProperty("id").GetString()).ToList();
        var paged = new List<string?>();
        var next = "/jobs?limit=2";
        for (var page = 0; page < 1000 && next is not null; page++)
        {
            var response = await _node.Http.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            paged.AddRange(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(j => j.GetProperty("id").GetString()));
            next = response.Headers.TryGetValues("Link", out var links)
                ? System.Text.RegularExpressions.Regex.Match(links.Single(), "^<([^>]+)>; rel=\"next\"$").Groups[1].Value
                : null;
        }

        Assert.True(all.Count >= 3);
        Assert.Equal(all, paged);
    }

    [Theory]
    [InlineData("/jobs?limit=0", "limit")]
    [InlineData("/jobs?limit=1001", "limit")]
    [InlineData("/jobs?limit=ten", "limit")]
    [InlineData("/jobs?before=no%20such", "before")]
    [InlineData("/jobs?before=nosuchjob1", "before")]
    public async Task Bad_paging_should_answer_400_naming_the_parameter(string path, string field)
    {
        var response = await _node.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(field, error.RootElement.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:8080")]
    [InlineData("127.0.0.1.nip.io")]
    public async Task Without_a_token_a_request_for_another_host_name_should_be_refused(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/jobs") { Content = new StringContent("""{"from": 0, "til": 5}""", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Host = host;

        var response = await _node.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var own = new HttpRequestMessage(HttpMethod.Get, "/jobs");
        own.Headers.Host = $"localhost:{_node.Http.BaseAddress!.Port}";
        Assert.Equal(HttpStatusCode.OK, (await _node.Http.SendAsync(own)).StatusCode);
    }

    [Fact]
    public async Task A_huge_body_should_answer_400_and_leave_the_node_serving()
    {
        var response = await _node.PostJsonAsync("/jobs", $$"""{"from": 0, "til": 5, "pad": "{{new string('x', 5_000_000)}}"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _node.Http.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Unknown_jobs_should_answer_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _node.Http.GetAsync("/jobs/nosuchjob")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _node.Http.DeleteAsync("/jobs/nosuchjob")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _node.Http.GetAsync("/jobs/nosuchjob/events")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _node.Http.GetAsync("/jobs/bad%20id")).StatusCode);
    }

    [Fact]
    public async Task Deleting_a_running_job_should_cancel_it()
    {
        var response = await _node.PostJsonAsync("/jobs", """{"from": 1, "til": 50000000, "accept_cost": true}""");
        using var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = accepted.RootElement.GetProperty("id").GetString()!;

        var cancel = await _node.Http.DeleteAsync($"/jobs/{id}");

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        using var cancelled = JsonDocument.Parse(await cancel.Content.ReadAsStringAsync());
        Assert.Equal("cancelled", cancelled.RootElement.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, cancelled.RootElement.GetProperty("check_count").ValueKind);
    }

    [Fact]
    public async Task Events_should_stream_progress_and_end_with_the_result()
    {
        var response = await _node.PostJsonAsync("/jobs", """{"from": 1, "til": 400000, "batches": 40}""");
        using var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = accepted.RootElement.GetProperty("id").GetString()!;

        using var stream = await _node.Http.GetAsync($"/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType!.MediaType);
        var text = await stream.Content.ReadAsStringAsync();

        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Where(e => e.StartsWith("event:", StringComparison.Ordinal)).ToList();
        Assert.StartsWith("event: result\ndata: ", events[^1], StringComparison.Ordinal);
        Assert.All(events[..^1], e => Assert.StartsWith("event: progress\ndata: ", e, StringComparison.Ordinal));
        using var result = JsonDocument.Parse(events[^1]["event: result\ndata: ".Length..]);
        Assert.Equal("done", result.RootElement.GetProperty("state").GetString());
        Assert.Equal("33860", result.RootElement.GetProperty("prime_count").GetRawText());
    }

    [Fact]
    public async Task Cluster_should_list_this_node_with_its_workers()
    {
        var cluster = (await GetJsonAsync("/cluster")).Single();

        var member = cluster.GetProperty("members").EnumerateArray().Single();
        Assert.Equal("up", member.GetProperty("status").GetString());
        Assert.Equal(2, member.GetProperty("workers").GetInt32());
        Assert.Equal(0, member.GetProperty("mismatches").GetInt32());
        Assert.Equal(0, member.GetProperty("excluded").GetInt32());
        Assert.Equal(["seed", "worker"], member.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(2, cluster.GetProperty("totals").GetProperty("workers").GetInt32());
    }

    [Fact]
    public async Task Cluster_should_show_the_checks_per_second_of_the_node_computing_while_a_job_runs()
    {
        var response = await _node.PostJsonAsync("/jobs", """{"from": 1, "til": 20000000, "accept_cost": true}""");
        using var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = accepted.RootElement.GetProperty("id").GetString()!;
        try
        {
            // Other jobs of this class's node may run before it: the rate is read once this one runs.
            double rate = 0;
            var running = false;
            for (var attempt = 0; attempt < 600 && !(running && rate > 0); attempt++)
            {
                await Task.Delay(100);
                running = (await GetJsonAsync($"/jobs/{id}")).Single().GetProperty("state").GetString() == "running";
                var member = (await GetJsonAsync("/cluster")).Single().GetProperty("members").EnumerateArray().Single();
                rate = member.GetProperty("checks_per_second").GetDouble();
            }

            Assert.True(running, "the job never ran");
            Assert.True(rate > 1e6, $"the node's checks per second on GET /cluster stayed {rate} while it computed");
        }
        finally
        {
            await _node.Http.DeleteAsync($"/jobs/{id}");
        }
    }

    private async Task<List<JsonElement>> GetJsonAsync(string path)
    {
        var json = JsonDocument.Parse(await _node.Http.GetStringAsync(path)).RootElement;
        return json.ValueKind == JsonValueKind.Array ? json.EnumerateArray().ToList() : [json];
    }

    private async Task<JsonElement> WaitForFinishedAsync(string id)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var job = (await GetJsonAsync($"/jobs/{id}")).Single();
            if (job.GetProperty("state").GetString() is "done" or "cancelled" or "failed")
            {
                return job;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Job {id} did not finish within 30 seconds.");
    }
}

public sealed class SeedNodeFixture : IAsyncLifetime
{
    public NodeUnderTest Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Node = await NodeUnderTest.StartAsync();
        await Node.WaitUntilUpAsync();
    }

    public async Task DisposeAsync() => await Node.DisposeAsync();
}
