using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Node.Tests;

/// <summary>The pushed streams a dashboard reads, and the cost estimate its form shows, over real HTTP on loopback.</summary>
public sealed class EventStreamSpecs(SeedNodeFixture fixture) : IClassFixture<SeedNodeFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly NodeUnderTest _node = fixture.Node;

    [Fact]
    public async Task The_cluster_stream_should_send_the_picture_at_once_then_a_submitted_job_to_its_end_and_the_throughput()
    {
        using var timeout = new CancellationTokenSource(Bound);
        await using var events = await OpenAsync("/events", timeout.Token);

        var first = await events.UntilAsync(e => e.EventType == "throughput_history", timeout.Token);
        Assert.Contains(first, e => e.EventType == "jobs");
        var cluster = Json(first.Last(e => e.EventType == "cluster"));
        var member = cluster.GetProperty("members").EnumerateArray().Single();
        Assert.Equal(2, member.GetProperty("workers").GetInt32());
        Assert.True(member.GetProperty("coordinator").GetBoolean());

        var id = await SubmitAsync("""{"from": 1, "til": 600000, "batches": 30}""");
        var seen = await events.UntilAsync(e => e.EventType == "job" && Json(e).GetProperty("id").GetString() == id && Json(e).GetProperty("state").GetString() == "done", timeout.Token);

        var done = Json(seen[^1]);
        var expected = SieveKernel.Instance.Count(1, 600_000);
        Assert.Equal(expected.CheckCount.ToString(), done.GetProperty("check_count").GetRawText());

        // Every second's sample names the node whose workers counted; the job's checks all came from this one.
        var throughput = await events.UntilAsync(e => e.EventType == "throughput" && Json(e).GetProperty("nodes").EnumerateObject().Any(), timeout.Token);
        Assert.Equal(_node.ClusterAddress, Json(throughput[^1]).GetProperty("nodes").EnumerateObject().Single().Name);
    }

    [Fact]
    public async Task A_jobs_stream_with_batches_should_show_every_batch_counted_before_its_result()
    {
        var id = await SubmitAsync("""{"from": 1, "til": 400000, "batches": 25}""");
        using var timeout = new CancellationTokenSource(Bound);
        await using var events = await OpenAsync($"/jobs/{id}/events?batches=true", timeout.Token);

        var all = await events.UntilAsync(e => e.EventType == "result", timeout.Token);

        // The latest state of each hand-out, by batch and worker: from the snapshot, then each change.
        var latest = new Dictionary<(long, string, string), JsonElement>();
        foreach (var e in all.Where(e => e.EventType is "batches" or "batch"))
        {
            var records = e.EventType == "batches" ? Json(e).EnumerateArray().ToList() : [Json(e)];
            foreach (var record in records)
            {
                latest[(record.GetProperty("index").GetInt64(), record.GetProperty("worker").GetString()!, record.GetProperty("handed_out_at").GetString()!)] = record;
            }
        }

        var counted = latest.Values.Where(r => r.GetProperty("outcome").GetString() is "counted" or "late_copy").Select(r => r.GetProperty("index").GetInt64()).ToHashSet();
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)i).ToHashSet(), counted);
        Assert.All(latest.Values, r => Assert.NotEqual(JsonValueKind.Null, r.GetProperty("finished_at").ValueKind));
        Assert.Equal(_node.ClusterAddress, latest.Values.First().GetProperty("node").GetString());
        Assert.Equal("done", Json(all[^1]).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_finished_jobs_stream_with_batches_should_send_its_timeline_then_its_result()
    {
        var id = await SubmitAsync("""{"from": 1, "til": 100000, "batches": 8}""");
        using var timeout = new CancellationTokenSource(Bound);
        await using (var wait = await OpenAsync($"/jobs/{id}/events", timeout.Token))
        {
            await wait.UntilAsync(e => e.EventType == "result", timeout.Token);
        }

        await using var events = await OpenAsync($"/jobs/{id}/events?batches=true", timeout.Token);
        var all = await events.UntilAsync(e => e.EventType == "result", timeout.Token);

        Assert.Equal(["batches", "result"], all.Select(e => e.EventType));
        Assert.Equal(8, Json(all[0]).EnumerateArray().Where(r => r.GetProperty("outcome").GetString() is "counted" or "late_copy").Select(r => r.GetProperty("index").GetInt64()).Distinct().Count());
    }

    [Fact]
    public async Task The_estimate_should_give_the_exact_checks_of_a_small_range_and_refuse_what_submitting_refuses()
    {
        var small = await _node.PostJsonAsync("/jobs/estimate", """{"from": 1, "til": 100000}""");
        var huge = await _node.PostJsonAsync("/jobs/estimate", """{"from": 1, "til": 100000000000000}""");
        var bad = await _node.PostJsonAsync("/jobs/estimate", """{"from": 9, "til": 5}""");

        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        var estimate = JsonDocument.Parse(await small.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(SieveKernel.Instance.Count(1, 100_000).CheckCount.ToString(), estimate.GetProperty("checks").GetRawText());
        Assert.True(estimate.GetProperty("checks_exact").GetBoolean());
        Assert.False(estimate.GetProperty("over_limit").GetBoolean());
        Assert.True(estimate.GetProperty("batches").GetInt64() >= 1);

        var over = JsonDocument.Parse(await huge.Content.ReadAsStringAsync()).RootElement;
        var refused = await _node.PostJsonAsync("/jobs", """{"from": 1, "til": 100000000000000}""");
        Assert.True(over.GetProperty("over_limit").GetBoolean());
        Assert.EndsWith("The cluster's cost limit is 1 h 00 min.", over.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("accept_cost", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("from", JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
    }

    [Fact]
    public async Task The_estimate_of_a_formula_job_should_be_one_batch_of_seconds_and_refuse_a_til_beyond_the_formulas_top()
    {
        var top = await _node.PostJsonAsync("/jobs/estimate", """{"from": 0, "til": 1000000000000000, "algorithm": "formula", "batches": 8}""");
        var beyond = await _node.PostJsonAsync("/jobs/estimate", """{"from": 0, "til": 1000000000000001, "algorithm": "formula"}""");

        Assert.Equal(HttpStatusCode.OK, top.StatusCode);
        var estimate = JsonDocument.Parse(await top.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1, estimate.GetProperty("batches").GetInt64());
        Assert.False(estimate.GetProperty("over_limit").GetBoolean());
        Assert.InRange(estimate.GetProperty("seconds").GetDouble(), 0.01, 60);

        Assert.Equal(HttpStatusCode.BadRequest, beyond.StatusCode);
        Assert.Equal("til", JsonDocument.Parse(await beyond.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
    }

    private static JsonElement Json(SseItem<string> item) => JsonDocument.Parse(item.Data).RootElement;

    private async Task<string> SubmitAsync(string body)
    {
        var response = await _node.PostJsonAsync("/jobs", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    private async Task<EventReader> OpenAsync(string path, CancellationToken ct)
    {
        var response = await _node.Http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var stream = await response.Content.ReadAsStreamAsync(ct);
        return new EventReader(response, SseParser.Create(stream).EnumerateAsync(ct).GetAsyncEnumerator(ct));
    }

    /// <summary>Reads a stream's events, bounded by the caller's token.</summary>
    private sealed class EventReader(HttpResponseMessage response, IAsyncEnumerator<SseItem<string>> events) : IAsyncDisposable
    {
        /// <summary>The events read up to and including the first that matches.</summary>
        public async Task<List<SseItem<string>>> UntilAsync(Func<SseItem<string>, bool> match, CancellationToken ct)
        {
            var read = new List<SseItem<string>>();
            while (await events.MoveNextAsync())
            {
                ct.ThrowIfCancellationRequested();
                read.Add(events.Current);
                if (match(events.Current))
                {
                    return read;
                }
            }

            throw new InvalidOperationException($"The stream ended before the event looked for; it sent: {string.Join(", ", read.Select(e => e.EventType))}");
        }

        public async ValueTask DisposeAsync()
        {
            await events.DisposeAsync();
            response.Dispose();
        }
    }
}
