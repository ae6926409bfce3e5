using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Testing;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// What one client, or many, can make a seed hold with event streams: a few per client and a bounded number in all,
/// each with a bounded backlog. Beyond, clear refusals, and the node serves everyone else as before.
/// </summary>
public sealed class EventStreamLimitSpecs
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Streams_beyond_a_clients_share_should_get_429_and_beyond_the_nodes_503_while_the_node_serves_on()
    {
        await using var node = await NodeUnderTest.StartAsync(hocon: "primecluster.api { streams = 6, streams-per-client = 4 }");
        await node.WaitUntilUpAsync();
        var open = new List<HttpResponseMessage>();
        using var neighbour = LoopbackClients.From(LoopbackClients.Address(0), node.Api, Bound);
        using var stranger = LoopbackClients.From(LoopbackClients.Address(1), node.Api, Bound);
        try
        {
            // An unknown job's stream is answered at once, and holds nothing.
            for (var i = 0; i < 10; i++)
            {
                using var missing = await OpenAsync(node.Http, "/jobs/nosuchjob/events");
                Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            }

            for (var i = 0; i < 4; i++)
            {
                open.Add(await OpenAsync(node.Http, "/events"));
            }

            // The fifth of one client: 429.
            using (var fifth = await OpenAsync(node.Http, "/events"))
            {
                await AssertRefusedAsync(fifth, HttpStatusCode.TooManyRequests, "streams-per-client");
            }

            // Two more clients: the node's sixth stream, then 503 for the seventh, whoever asks.
            open.Add(await OpenAsync(neighbour, "/events"));
            open.Add(await OpenAsync(neighbour, "/events"));
            Assert.All(open, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            using (var seventh = await OpenAsync(stranger, "/events"))
            {
                await AssertRefusedAsync(seventh, HttpStatusCode.ServiceUnavailable, "primecluster.api.streams");
            }

            // Everything else is served as before, and a stream closed makes room for another.
            var submitted = await node.PostJsonAsync("/jobs", """{"from": 1, "til": 300000, "algorithm": "sieve"}""");
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync("/cluster")).StatusCode);
            open[0].Dispose();
            await UntilAsync(async () =>
            {
                using var again = await OpenAsync(stranger, "/events");
                return again.StatusCode == HttpStatusCode.OK;
            });

            var id = JsonDocument.Parse(await submitted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
            await UntilAsync(async () => JsonDocument.Parse(await node.Http.GetStringAsync($"/jobs/{id}")).RootElement.GetProperty("state").GetString() == "done");
            var job = JsonDocument.Parse(await node.Http.GetStringAsync($"/jobs/{id}")).RootElement;
            Assert.Equal(SieveKernel.Instance.Count(1, 300_000).CheckCount.ToString(), job.GetProperty("check_count").GetRawText());
        }
        finally
        {
            foreach (var response in open)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_stream_whose_reader_stops_reading_should_be_dropped_while_the_others_get_every_event()
    {
        // Workers that sleep 5 ms a batch: a job of thousands of batches a second whatever the machine's load.
        await using var node = await NodeUnderTest.StartAsync(workers: 8, kernels: PacedKernel.Source(TimeSpan.FromMilliseconds(5)));
        await node.WaitUntilUpAsync();
        var submitted = await node.PostJsonAsync("/jobs", """{"from": 1, "til": 3000000, "algorithm": "sieve", "batches": 30000}""");
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var id = JsonDocument.Parse(await submitted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        using var timeout = new CancellationTokenSource(Bound);
        var reading = ReadToResultAsync(node, $"/jobs/{id}/events?batches=true", timeout.Token);

        // Once the job keeps a full timeline, a client asks for the same stream and reads nothing: its window closes
        // at once, and the node's buffers fill.
        await UntilAsync(async () => JsonDocument.Parse(await node.Http.GetStringAsync($"/jobs/{id}")).RootElement.GetProperty("progress").GetProperty("batches_done").GetInt64() > 5000);
        using var stalled = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stalled.ConnectAsync(IPAddress.Loopback, node.Api.Port);
        await stalled.SendAsync(Encoding.ASCII.GetBytes($"GET /jobs/{id}/events?batches=true HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        await UntilAsync(async () => await MetricAsync(node, "primecluster_api_event_streams") == 2);

        await UntilAsync(async () => await MetricAsync(node, "primecluster_api_event_streams_dropped_total") >= 1);
        Assert.Equal("running", JsonDocument.Parse(await node.Http.GetStringAsync($"/jobs/{id}")).RootElement.GetProperty("state").GetString());
        Assert.Equal(1, await MetricAsync(node, "primecluster_api_event_streams"));

        // What had reached its socket arrives, then the end: no result, since the job runs on.
        var received = await DrainAsync(stalled, timeout.Token);
        Assert.DoesNotContain("event: result", received, StringComparison.Ordinal);

        var events = await reading;
        Assert.Equal("result", events[^1].Event);
        Assert.Equal(SieveKernel.Instance.Count(1, 3_000_000).CheckCount.ToString(), events[^1].Data.GetProperty("check_count").GetRawText());
        Assert.Contains(events, e => e.Event == "batches");
        Assert.Contains(events, e => e.Event == "batch");

        // None is left once the streams are over.
        await UntilAsync(async () => await MetricAsync(node, "primecluster_api_event_feeds") == 0);
    }

    [Fact]
    public async Task Eight_hundred_streams_during_a_long_job_should_be_served_to_the_nodes_limit_and_leave_the_job_exact()
    {
        await using var node = await NodeUnderTest.StartAsync(workers: 8, kernels: PacedKernel.Source(TimeSpan.FromMilliseconds(5)));
        await node.WaitUntilUpAsync();
        var submitted = await node.PostJsonAsync("/jobs", """{"from": 1, "til": 2000000, "algorithm": "sieve", "batches": 20000}""");
        var id = JsonDocument.Parse(await submitted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        await UntilAsync(async () => JsonDocument.Parse(await node.Http.GetStringAsync($"/jobs/{id}")).RootElement.GetProperty("progress").GetProperty("batches_done").GetInt64() > 1000);

        // 600 clients that read nothing past their status line and 200 that read to the end, each from an address of
        // its own, half on the cluster's stream and half on the job's with batches.
        using var timeout = new CancellationTokenSource(Bound);
        var paths = new[] { "/events", $"/jobs/{id}/events?batches=true" };
        var idle = new List<Socket>();
        var readers = new List<Task<(HttpStatusCode Status, string? Last)>>();
        var statuses = new List<string>();
        try
        {
            for (var i = 0; i < 800; i++)
            {
                if (i % 4 == 3)
                {
                    readers.Add(ReadFromAsync(LoopbackClients.Address(i), node.Api, paths[i / 4 % 2], timeout.Token));
                    continue;
                }

                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
                idle.Add(socket);
                socket.Bind(new IPEndPoint(LoopbackClients.Address(i), 0));
                await socket.ConnectAsync(IPAddress.Loopback, node.Api.Port);
                await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {paths[i % 2]} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
                var head = new byte[12];
                statuses.Add(Encoding.ASCII.GetString(head, 0, await socket.ReceiveAsync(head, timeout.Token)));
            }

            // The seed serves its API meanwhile, and every client that read to the end got the job's result or the
            // cluster's picture, or was refused.
            Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync("/cluster")).StatusCode);
            var read = await Task.WhenAll(readers);
            var served = statuses.Count(s => s.EndsWith("200", StringComparison.Ordinal)) + read.Count(r => r.Status == HttpStatusCode.OK);
            Assert.InRange(served, 1, 512);
            Assert.Equal(800 - served, statuses.Count(s => s.EndsWith("503", StringComparison.Ordinal)) + read.Count(r => r.Status == HttpStatusCode.ServiceUnavailable));
            Assert.All(read.Where(r => r.Status == HttpStatusCode.OK), r => Assert.NotNull(r.Last));
            await UntilAsync(async () => JsonDocument.Parse(await node.Http.GetStringAsync($"/jobs/{id}")).RootElement.GetProperty("state").GetString() == "done");
            var job = JsonDocument.Parse(await node.Http.GetStringAsync($"/jobs/{id}")).RootElement;
            Assert.Equal(SieveKernel.Instance.Count(1, 2_000_000).CheckCount.ToString(), job.GetProperty("check_count").GetRawText());
        }
        finally
        {
            foreach (var socket in idle)
            {
                socket.Dispose();
            }
        }

        // Nothing is left of them: the node serves streams again, from one client up to its share.
        await UntilAsync(async () => await MetricAsync(node, "primecluster_api_event_streams") == 0 && await MetricAsync(node, "primecluster_api_event_feeds") == 0);
        var again = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < 33; i++)
            {
                again.Add(await OpenAsync(node.Http, "/events"));
            }

            Assert.Equal(32, again.Count(r => r.StatusCode == HttpStatusCode.OK));
            Assert.Equal(HttpStatusCode.TooManyRequests, again[^1].StatusCode);
        }
        finally
        {
            foreach (var response in again)
            {
                response.Dispose();
            }
        }
    }

    /// <summary>A client of its own address that reads its stream to the end: its status, and its last event's name.</summary>
    private static async Task<(HttpStatusCode Status, string? Last)> ReadFromAsync(IPAddress source, Uri api, string path, CancellationToken ct)
    {
        using var http = LoopbackClients.From(source, api, Bound);
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, null);
        }

        // The cluster's stream never ends: its picture, the throughput history, is enough.
        string? last = null;
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(await response.Content.ReadAsStreamAsync(ct)).EnumerateAsync(ct))
        {
            last = item.EventType;
            if (last is "result" or "throughput_history")
            {
                break;
            }
        }

        return (response.StatusCode, last);
    }

    private static async Task<HttpResponseMessage> OpenAsync(HttpClient client, string path) =>
        await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string setting)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(setting, error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    /// <summary>The value of a metric without labels, as the node's /metrics gives it now: 0 before its first count.</summary>
    private static async Task<double> MetricAsync(NodeUnderTest node, string name)
    {
        var text = await node.Http.GetStringAsync("/metrics");
        var value = text.Split('\n').Select(l => l.Split(' ')).SingleOrDefault(l => l.Length >= 2 && l[0] is var series && (series == name || series == name + "{}"))?[1];
        return value is null ? 0 : double.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<List<(string Event, JsonElement Data)>> ReadToResultAsync(NodeUnderTest node, string path, CancellationToken ct)
    {
        using var response = await node.Http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);
        var events = new List<(string, JsonElement)>();
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(await response.Content.ReadAsStreamAsync(ct)).EnumerateAsync(ct))
        {
            if (item.Data.Length > 0)
            {
                events.Add((item.EventType, JsonDocument.Parse(item.Data).RootElement));
            }

            if (item.EventType == "result")
            {
                break;
            }
        }

        return events;
    }

    /// <summary>Everything the socket receives until the other end closes or resets it.</summary>
    private static async Task<string> DrainAsync(Socket socket, CancellationToken ct)
    {
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, ct)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Aborted by the node: what was in flight is dropped with it.
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTimeOffset.UtcNow + Bound;
        while (!await condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "gave up waiting");
            await Task.Delay(100);
        }
    }
}
