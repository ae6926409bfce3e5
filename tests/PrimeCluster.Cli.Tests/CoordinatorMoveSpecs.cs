using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using PrimeCluster.Cli.Commands;
using PrimeCluster.Contracts;

namespace PrimeCluster.Cli.Tests;

/// <summary>
/// While the coordinator moves to another seed, a seed answers 503 for a few seconds; the client waits for it rather
/// than give up. A stand-in seed on loopback plays that part.
/// </summary>
public sealed class CoordinatorMoveSpecs
{
    [Fact]
    public async Task Watch_should_wait_through_503s_and_print_the_job_once_the_coordinator_answers()
    {
        await using var seed = StandInSeed.Start(unavailableAnswers: 3);

        var run = await CliRun.InvokeAsync(new Dictionary<string, string> { [RemoteOptions.UrlVariable] = seed.Url }, "watch", StandInSeed.JobId, "--json");

        Assert.Equal(ExitCodes.Done, run.ExitCode);
        Assert.Equal("455189150", JsonDocument.Parse(run.Out).RootElement.GetProperty("check_count").GetRawText());
        Assert.Contains("answers 503", run.Error, StringComparison.Ordinal);
        Assert.Equal(4, seed.Requests);
    }

    /// <summary>Answers GET /jobs/{id} with 503 a given number of times, then with a finished job.</summary>
    private sealed class StandInSeed : IAsyncDisposable
    {
        public const string JobId = "abcdefghij";

        private readonly HttpListener _listener = new();
        private readonly Task _serving;
        private readonly int _unavailableAnswers;
        private int _requests;

        private StandInSeed(int unavailableAnswers)
        {
            _unavailableAnswers = unavailableAnswers;
            Url = $"http://127.0.0.1:{FreePort()}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _serving = ServeAsync();
        }

        public string Url { get; }

        public int Requests => Volatile.Read(ref _requests);

        public static StandInSeed Start(int unavailableAnswers) => new(unavailableAnswers);

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await _serving.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
            _listener.Close();
        }

        private async Task ServeAsync()
        {
            // At most a hundred requests: the client under test asks a handful of times.
            for (var i = 0; i < 100 && _listener.IsListening; i++)
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

                var unavailable = Interlocked.Increment(ref _requests) <= _unavailableAnswers;
                var body = unavailable
                    ? JsonSerializer.Serialize(new ErrorResource("the coordinator did not answer in time"), ApiJson.Options)
                    : JsonSerializer.Serialize(Done(), ApiJson.Options);
                context.Response.StatusCode = context.Request.Url?.AbsolutePath != $"/jobs/{JobId}" ? 404 : unavailable ? 503 : 200;
                context.Response.ContentType = "application/json";
                var bytes = Encoding.UTF8.GetBytes(body);
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        }

        private static JobResource Done()
        {
            var now = DateTimeOffset.UtcNow;
            return new JobResource(
                JobId, $"/jobs/{JobId}", JobStates.Done, 1, 100_000, "trial", "balanced", 16,
                new ProgressResource(16, 16, 455_189_150, 455_189_150, true, 9592, 1),
                9592, 455_189_150, 2, now, now, now, 30, 1.5e10, null);
        }

        private static int FreePort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
    }
}
