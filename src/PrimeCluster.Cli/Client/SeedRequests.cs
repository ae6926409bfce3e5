using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace PrimeCluster.Cli.Client;

/// <summary>
/// What every command does when a seed is slow or busy, in one place (a Polly pipeline that each request goes through):
/// <list type="bullet">
/// <item>Each attempt waits for the seed's whole answer for at most the answer limit. A seed answers within its ask
/// timeout (10 s) even when its coordinator is away; one that says nothing for longer is gone, or cut off without
/// closing the connection, and is reported unreachable.</item>
/// <item>A 503 answer is asked again, every half second for about a minute, as long as the request is safe to repeat
/// (<see cref="IsSafeToRepeat"/>): a seed answers 503 while the coordinator moves to another seed after its node is
/// lost, which takes seconds. The user is told once.</item>
/// <item>Nothing else is asked again: a connection refused, reset or timed out, and every other answer, go to the
/// command at once, which says what happened and what to do.</item>
/// </list>
/// </summary>
internal static class SeedRequests
{
    /// <summary>Between two attempts of a request the seed answered 503.</summary>
    public static readonly TimeSpan UnavailableDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a seed may answer 503: as long as the coordinator may take to move (about a minute).</summary>
    public static readonly TimeSpan UnavailableLimit = TimeSpan.FromSeconds(60);

    /// <summary>Set false on a request that has a better way than asking again (a refused event stream: polling).</summary>
    public static readonly ResiliencePropertyKey<bool> RepeatWhenUnavailable = new("primecluster.repeat-when-unavailable");

    /// <summary>
    /// GET and DELETE are safe to repeat: reading changes nothing, and cancelling a job twice ends it as once. POST is
    /// not: a submission repeated after its first attempt was taken would run the job twice.
    /// </summary>
    public static bool IsSafeToRepeat(HttpMethod method) => method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Delete;

    /// <param name="answerLimit">How long one attempt may wait for the seed's answer.</param>
    /// <param name="unavailable">Told of each 503 that is asked again, before the delay.</param>
    public static ResiliencePipeline<HttpResponseMessage> Pipeline(TimeSpan answerLimit, Func<HttpResponseMessage, ValueTask> unavailable, TimeProvider? time = null) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time ?? TimeProvider.System }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Result is { StatusCode: HttpStatusCode.ServiceUnavailable, RequestMessage.Method: var method }
                    && IsSafeToRepeat(method)
                    && args.Context.Properties.GetValue(RepeatWhenUnavailable, true)),
                BackoffType = DelayBackoffType.Constant,
                Delay = UnavailableDelay,
                UseJitter = false,
                MaxRetryAttempts = (int)(UnavailableLimit / UnavailableDelay),
                OnRetry = args => unavailable(args.Outcome.Result!),
            })
            .AddTimeout(new TimeoutStrategyOptions { Timeout = answerLimit })
            .Build();
}
