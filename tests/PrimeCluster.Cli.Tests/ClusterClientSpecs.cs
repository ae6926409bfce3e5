using System.Net;
using System.Net.Sockets;
using System.Text;
using PrimeCluster.Cli.Client;
using PrimeCluster.Contracts;
using PrimeCluster.Core;

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

    [Fact]
    public async Task A_seed_that_takes_a_request_and_never_answers_should_be_called_unreachable_in_time()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/");
        using var client = new ClusterClient(url, token: null) { AnswerLimit = TimeSpan.FromMilliseconds(300) };

        var asking = client.GetJobAsync("x", CancellationToken.None);
        using var connection = await silent.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var unreachable = await Assert.ThrowsAsync<ClusterUnreachableException>(() => asking.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal("it did not answer within 0.3 s", unreachable.Reason);
    }

    [Fact]
    public async Task A_job_event_stream_that_goes_silent_should_end_the_following_as_a_lost_seed()
    {
        await using var seed = StandInSeed.Start((_, context, _) => StandInSeed.EventsAsync(context, StandInSeed.Job(JobState.Running, batchesDone: 3)));
        using var client = new ClusterClient(new Uri(seed.Url), token: null) { SilenceLimit = TimeSpan.FromMilliseconds(500) };
        var seen = new List<JobResource>();

        var unreachable = await Assert.ThrowsAsync<ClusterUnreachableException>(async () =>
        {
            await foreach (var job in client.FollowAsync(StandInSeed.JobId, CancellationToken.None).WithCancellation(CancellationToken.None))
            {
                seen.Add(job);
            }
        }).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(3, Assert.Single(seen).Progress.BatchesDone);
        Assert.StartsWith("its event stream sent nothing for ", unreachable.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}", "Self")]
    [InlineData("""{"self": "a", "leader": null, "members": null, "totals": {"members": 0, "workers": 0, "busy": 0}}""", "Members")]
    [InlineData("""{"self": "a", "leader": null, "members": [{"address": null, "roles": [], "status": "up", "reachable": true, "workers": 1, "busy": 0}], "totals": {"members": 1, "workers": 1, "busy": 0}}""", "Address")]
    public async Task A_cluster_answer_missing_what_it_must_hold_should_be_no_seeds_answer(string body, string named)
    {
        using var client = new ClusterClient(Url, token: null, new Answering(HttpStatusCode.OK, body));

        var refused = await Assert.ThrowsAsync<NotASeedException>(() => client.ClusterAsync(CancellationToken.None));

        Assert.StartsWith($"{Url} does not answer like a PrimeCluster seed (", refused.Message, StringComparison.Ordinal);
        Assert.Contains(named, refused.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_job_answer_without_its_progress_should_be_no_seeds_answer()
    {
        var job = System.Text.Json.JsonSerializer.Serialize(StandInSeed.Job(JobState.Running, batchesDone: 3), ApiJson.Options).Replace("\"progress\":", "\"progress_\":", StringComparison.Ordinal);
        using var client = new ClusterClient(Url, token: null, new Answering(HttpStatusCode.OK, job));

        var refused = await Assert.ThrowsAsync<NotASeedException>(() => client.GetJobAsync(StandInSeed.JobId, CancellationToken.None));

        Assert.Contains("progress", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_event_that_is_no_job_should_end_the_following_as_no_seeds_answer()
    {
        using var client = new ClusterClient(Url, token: null, new Answering(HttpStatusCode.OK, "event: progress\ndata: {\"id\": \"abcdefghij\"}\n\n"));

        var refused = await Assert.ThrowsAsync<NotASeedException>(async () =>
        {
            await foreach (var job in client.FollowAsync(StandInSeed.JobId, CancellationToken.None))
            {
                Assert.Fail($"no job should be read from the event, but {job} was");
            }
        });

        Assert.StartsWith($"{Url} does not answer like a PrimeCluster seed (", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", 3)]
    [InlineData("DELETE", 3)]
    [InlineData("POST", 1)]
    public async Task A_503_should_be_asked_again_only_where_the_request_is_safe_to_repeat(string method, int attempts)
    {
        var answers = new Answering(HttpStatusCode.OK, JobJson(), unavailableFirst: 2);
        var notices = new StringWriter();
        using var client = new ClusterClient(Url, token: null, answers) { Notices = notices };

        Func<Task> send = method switch
        {
            "GET" => () => client.GetJobAsync(StandInSeed.JobId, CancellationToken.None),
            "DELETE" => () => client.CancelAsync(StandInSeed.JobId, CancellationToken.None),
            _ => () => client.SubmitAsync(JobRequest.For(new Core.Execution.JobSpec(new Core.NumberRange(1, 100_000))), CancellationToken.None),
        };
        var refused = await Record.ExceptionAsync(send).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(attempts, answers.Requests);
        if (attempts == 1)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, Assert.IsType<ClusterRefusedException>(refused).Status);
            Assert.Empty(notices.ToString());
        }
        else
        {
            Assert.Null(refused);
            Assert.Equal($"primecluster: {Url} answers 503 (the coordinator did not answer in time); asking again for up to 60 s.{Environment.NewLine}", notices.ToString());
        }
    }

    [Fact]
    public async Task A_refused_event_stream_should_not_be_asked_again_so_the_follower_polls_at_once()
    {
        var answers = new Answering(HttpStatusCode.OK, JobJson(), unavailableFirst: 1);
        using var client = new ClusterClient(Url, token: null, answers);

        var refused = await Assert.ThrowsAsync<ClusterRefusedException>(async () =>
        {
            await foreach (var job in client.FollowAsync(StandInSeed.JobId, CancellationToken.None))
            {
                Assert.Fail($"no job should come from a refused stream, but {job} did");
            }
        });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.Equal(1, answers.Requests);
    }

    private static string JobJson() => System.Text.Json.JsonSerializer.Serialize(StandInSeed.Job(JobState.Running, batchesDone: 3), ApiJson.Options);

    /// <summary>Answers every request with one status and body, after <paramref name="unavailableFirst"/> answers of 503.</summary>
    private sealed class Answering(HttpStatusCode status, string body, int unavailableFirst = 0) : HttpMessageHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Interlocked.Increment(ref _requests) <= unavailableFirst
                ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("""{"error": "the coordinator did not answer in time"}""", Encoding.UTF8, "application/json"), RequestMessage = request }
                : new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json"), RequestMessage = request });
    }
}
