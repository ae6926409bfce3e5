using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using PrimeCluster.Contracts;
using PrimeCluster.Core;

namespace PrimeCluster.Cli.Tests;

/// <summary>
/// A seed's job API played on loopback by the test: each request is answered as the test says, and the seed can die
/// as a killed one does (its connections reset, its port refusing).
/// </summary>
internal sealed class StandInSeed : IAsyncDisposable
{
    public const string JobId = "abcdefghij";

    /// <summary>At most this many requests: a client under test asks a handful of times.</summary>
    private const int MaxRequests = 100;

    private readonly HttpListener _listener = new();
    private readonly Func<StandInSeed, HttpListenerContext, int, Task> _answer;
    private readonly Task _serving;
    private int _requests;

    /// <param name="answer">Answers a request, given its number from 1; it may have the seed <see cref="Die"/>.</param>
    private StandInSeed(Func<StandInSeed, HttpListenerContext, int, Task> answer)
    {
        _answer = answer;
        Url = $"http://127.0.0.1:{FreePort()}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _serving = ServeAsync();
    }

    public string Url { get; }

    public int Requests => Volatile.Read(ref _requests);

    public static StandInSeed Start(Func<StandInSeed, HttpListenerContext, int, Task> answer) => new(answer);

    /// <summary>A job of one to a hundred thousand, as the API shows it.</summary>
    public static JobResource Job(JobState state, long batchesDone)
    {
        var now = DateTimeOffset.UtcNow;
        var done = state == JobState.Done;
        return new JobResource(
            JobId, $"/jobs/{JobId}", state, 1, 100_000, "trial", "balanced", 16,
            new ProgressResource(batchesDone, 16, (UInt128)(28_449_321 * batchesDone), 455_189_150, true, 0, batchesDone / 16.0),
            done ? 9592 : null, done ? 455_189_150 : null, 2, now, now, done ? now : null, 30, 1.5e10, null);
    }

    public static Task JsonAsync(HttpListenerContext context, int status, object body) =>
        RawJsonAsync(context, status, JsonSerializer.Serialize(body, ApiJson.Options));

    /// <summary>Answers with this text as the JSON body, whatever it holds.</summary>
    public static async Task RawJsonAsync(HttpListenerContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";

        // No idle connection for the client to reuse after the seed dies: a killed process leaves none.
        context.Response.KeepAlive = false;
        await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(json));
        context.Response.Close();
    }

    /// <summary>Starts <c>/jobs/{id}/events</c>: server-sent <c>progress</c> events of these jobs, the connection left open.</summary>
    public static async Task EventsAsync(HttpListenerContext context, params JobResource[] jobs)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.SendChunked = true;
        foreach (var job in jobs)
        {
            await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes($"event: progress\ndata: {JsonSerializer.Serialize(job, ApiJson.Options)}\n\n"));
            await context.Response.OutputStream.FlushAsync();
        }
    }

    /// <summary>As a killed seed: every connection is reset, and the port refuses new ones.</summary>
    public void Die() => _listener.Abort();

    public async ValueTask DisposeAsync()
    {
        if (_listener.IsListening)
        {
            _listener.Stop();
        }

        await _serving.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening && Requests < MaxRequests)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                await _answer(this, context, Interlocked.Increment(ref _requests));
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The client went away, or the seed died, mid-answer.
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
