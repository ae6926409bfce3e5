using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using PrimeCluster.Testing;

namespace PrimeCluster.Benchmarks;

/// <summary>
/// What 800 event streams cost a seed, this build beside another, alternating: during a sieve job of 200,000 batches,
/// 600 clients open a stream and read nothing (half <c>/events</c>, half the job's <c>/events?batches=true</c>) and 200
/// read theirs to the end (the same split). Each client connects from an address of its own on loopback (127.0.x.y),
/// or all from 127.0.0.1 with <c>--clients one</c>. Over <see cref="Spell"/> with the streams open, the seed's resident
/// memory is sampled and <c>GET /cluster</c> asked in a loop; then every client closes and the memory is read again.
/// </summary>
public static class StreamLoadBenchmark
{
    private const int Idle = 600;
    private const int Reading = 200;
    private static readonly TimeSpan Spell = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan AfterClose = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(TextWriter report, string baselineDll, bool oneClient, int rounds)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Idle} idle and {Reading} reading event streams from {(oneClient ? "one client address" : "an address each")}, {Spell.TotalSeconds:0} s, during a 200,000-batch sieve job; {Environment.ProcessorCount} cores, load {LoadAverage()}"));
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var (name, dll) in new[] { ("baseline", baselineDll), ("this build", (string?)null) })
            {
                var figures = await RunOnceAsync(dll, oneClient);
                report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}, {name}: {figures}"));
            }
        }

        return 0;
    }

    private static async Task<Figures> RunOnceAsync(string? nodeDll, bool oneClient)
    {
        await using var seed = BenchmarkNode.Start("seed,worker", null, new Dictionary<string, string> { ["WORKERS"] = "2" }, nodeDll);
        await seed.WaitForWorkersAsync(2);
        var id = await SubmitAsync(seed.Http, """{"from": 1, "til": 200000000, "algorithm": "sieve", "batches": 200000}""");
        await WaitUntilAsync(async () => await BatchesDoneAsync(seed.Http, id) >= 5000);
        var rested = seed.ResidentMegabytes();

        using var stop = new CancellationTokenSource();
        var paths = new[] { "/events", $"/jobs/{id}/events?batches=true" };
        var sockets = new List<Socket>();
        var readers = new List<Task<(int Status, long Bytes)>>();
        try
        {
            for (var i = 0; i < Idle + Reading; i++)
            {
                var source = oneClient ? IPAddress.Loopback : LoopbackClients.Address(i);
                if (i % 4 != 3)
                {
                    sockets.Add(await OpenIdleAsync(source, seed.Http.BaseAddress!, paths[i % 2]));
                }
                else
                {
                    readers.Add(ReadAsync(source, seed.Http.BaseAddress!, paths[i % 2], stop.Token));
                }
            }

            var peak = rested;
            var latencies = new List<double>();
            var sampling = Stopwatch.StartNew();
            while (sampling.Elapsed < Spell)
            {
                var asked = Stopwatch.StartNew();
                using (var cluster = await seed.Http.GetAsync("/cluster"))
                {
                    cluster.EnsureSuccessStatusCode();
                }

                latencies.Add(asked.Elapsed.TotalMilliseconds);
                peak = Math.Max(peak, seed.ResidentMegabytes());
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }

            await stop.CancelAsync();
            var read = await Task.WhenAll(readers);
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            sockets.Clear();
            await Task.Delay(AfterClose);
            latencies.Sort();
            return new Figures(
                rested,
                peak,
                seed.ResidentMegabytes(),
                latencies[latencies.Count / 2],
                latencies[(int)(latencies.Count * 0.95)],
                latencies[^1],
                read.Count(r => r.Status == 200),
                read.Count(r => r.Status is 429 or 503),
                read.Sum(r => r.Bytes));
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>A client that asks for a stream and reads nothing, with a small window: the node's buffers fill.</summary>
    private static async Task<Socket> OpenIdleAsync(IPAddress source, Uri api, string path)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        socket.Bind(new IPEndPoint(source, 0));
        await socket.ConnectAsync(IPAddress.Loopback, api.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        return socket;
    }

    /// <summary>A client that reads its stream until told to stop; its status and the bytes it read.</summary>
    private static async Task<(int Status, long Bytes)> ReadAsync(IPAddress source, Uri api, string path, CancellationToken stop)
    {
        using var http = LoopbackClients.From(source, api, Timeout.InfiniteTimeSpan);
        long bytes = 0;
        var status = 0;
        try
        {
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, stop);
            status = (int)response.StatusCode;
            await using var body = await response.Content.ReadAsStreamAsync(stop);
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = await body.ReadAsync(buffer, stop)) > 0)
            {
                bytes += n;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            // Stopped, or dropped by the node.
        }

        return (status, bytes);
    }

    private static async Task<string> SubmitAsync(HttpClient http, string body)
    {
        using var response = await http.PostAsync("/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        using var job = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return job.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<long> BatchesDoneAsync(HttpClient http, string id)
    {
        using var job = JsonDocument.Parse(await http.GetStringAsync($"/jobs/{id}"));
        return job.RootElement.GetProperty("progress").GetProperty("batches_done").GetInt64();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 1_200; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The job did not get under way within two minutes.");
    }

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private sealed record Figures(double RestedMb, double PeakMb, double ClosedMb, double ClusterMedianMs, double ClusterP95Ms, double ClusterMaxMs, int ReadersServed, int ReadersRefused, long BytesRead)
    {
        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture,
            $"resident {RestedMb:0} MB before, {PeakMb:0} MB at most with the streams open, {ClosedMb:0} MB {AfterClose.TotalSeconds:0} s after they closed; GET /cluster median {ClusterMedianMs:0} ms, p95 {ClusterP95Ms:0} ms, max {ClusterMaxMs:0} ms; reading clients served {ReadersServed}, refused {ReadersRefused}, {BytesRead / 1e6:0.0} MB read");
    }
}
