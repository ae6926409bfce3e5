using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Coordination;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Contracts;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Node.Streams;

namespace PrimeCluster.Node.Api;

/// <summary>The job API of seed nodes: submit, list, follow and cancel jobs.</summary>
internal static class JobEndpoints
{
    /// <summary>Jobs in a page of <c>GET /jobs</c> unless the request says how many.</summary>
    private const int DefaultPage = 100;

    public static void MapJobApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/jobs");
        jobs.MapPost(string.Empty, SubmitAsync);
        jobs.MapPost("/estimate", EstimateAsync);
        jobs.MapGet(string.Empty, ListAsync);
        jobs.MapGet("/{id}", async (string id, CoordinatorClient client, CancellationToken ct) =>
            JobId.TryParse(id, out var jobId) && await client.GetAsync(jobId, ct) is { } view
                ? ApiResults.Json(JobResources.From(view))
                : ApiResults.NotFound(id));
        jobs.MapDelete("/{id}", async (string id, CoordinatorClient client, CancellationToken ct) =>
            JobId.TryParse(id, out var jobId) && await client.CancelAsync(jobId, ct) is { } view
                ? ApiResults.Json(JobResources.From(view))
                : ApiResults.NotFound(id));
        jobs.MapGet("/{id}/events", StreamEventsAsync).RequireRateLimiting(EventStreamLimits.Policy);
    }

    /// <summary>
    /// A page of jobs, newest first: <c>?limit=N</c> (default <see cref="DefaultPage"/>) and <c>?before=ID</c>, the
    /// last job of the page before. A <c>Link: &lt;...&gt;; rel="next"</c> header points to the next page, as long as
    /// there is one.
    /// </summary>
    private static async Task<IResult> ListAsync(HttpRequest request, CoordinatorClient client, CancellationToken ct)
    {
        var limit = DefaultPage;
        if (request.Query.TryGetValue("limit", out var limitText)
            && (!int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > JobProtocol.GetJobs.MaxLimit))
        {
            return ApiResults.BadRequest(new ErrorResource($"limit must be a whole number from 1 to {JobProtocol.GetJobs.MaxLimit}", "limit"));
        }

        JobId? before = null;
        if (request.Query.TryGetValue("before", out var beforeText))
        {
            if (!JobId.TryParse(beforeText, out var id))
            {
                return ApiResults.BadRequest(new ErrorResource("before must be a job id", "before"));
            }

            before = id;
        }

        if (await client.ListAsync(limit, before, ct) is not { } page)
        {
            return ApiResults.BadRequest(new ErrorResource($"job '{before}' is no longer in the cluster's history; start again from the newest jobs", "before"));
        }

        var result = ApiResults.Json(page.Jobs.Select(JobResources.From).ToList());
        return page.More && page.Jobs.Count > 0
            ? new WithHeader(result, "Link", $"</jobs?limit={limit}&before={page.Jobs[^1].Id}>; rel=\"next\"")
            : result;
    }

    private static async Task<IResult> SubmitAsync(HttpRequest request, CoordinatorClient client, Akka.Actor.ActorSystem actors, CancellationToken ct)
    {
        var (job, spec, refusal) = await ReadJobAsync(request, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        // A job accepted now would not survive a restart of every seed: refused until the journal writes again.
        if (JournalHealth.Get(actors).Failure is { } failure)
        {
            return ApiResults.Unavailable($"this seed cannot keep new jobs: {failure}");
        }

        try
        {
            var view = await client.SubmitAsync(spec!, job!.AcceptCost is true, ct);
            return new WithHeader(ApiResults.Json(JobResources.From(view), StatusCodes.Status202Accepted), "Location", $"/jobs/{view.Id}");
        }
        catch (JobRejectedException e)
        {
            return ApiResults.BadRequest(new ErrorResource(e.Message, e.Why == JobProtocol.JobRejection.OverCostLimit ? "accept_cost" : "batches"));
        }
    }

    /// <summary>
    /// What the job in the body would take, as the cluster's cost guard weighs it, without submitting it: the checks
    /// (exact where the sieve counts them in a blink), the time at the cluster's pace now, and whether a trial job is
    /// over the cluster's cost limit.
    /// </summary>
    private static async Task<IResult> EstimateAsync(HttpRequest request, CoordinatorClient client, CancellationToken ct)
    {
        var (_, spec, refusal) = await ReadJobAsync(request, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        JobProtocol.JobEstimate estimate;
        try
        {
            estimate = await client.EstimateAsync(spec!, ct);
        }
        catch (JobRejectedException e)
        {
            return ApiResults.BadRequest(new ErrorResource(e.Message, "batches"));
        }

        return ApiResults.Json(await Task.Run(() => JobCosts.Estimate(spec!, estimate), ct));
    }

    /// <summary>The job in a request's body, or the answer that refuses it.</summary>
    private static async Task<(JobRequest? Job, JobSpec? Spec, IResult? Refusal)> ReadJobAsync(HttpRequest request, CancellationToken ct)
    {
        // A JSON body only: a web page can send a form or text/plain anywhere without asking, but not JSON.
        if (!request.HasJsonContentType())
        {
            return (null, null, ApiResults.Json(new ErrorResource("the body must be JSON, sent with Content-Type: application/json", "body"), StatusCodes.Status415UnsupportedMediaType));
        }

        var body = await ReadLimitedAsync(request.Body, JobRequest.MaxBodyBytes, ct);
        if (body is null)
        {
            return (null, null, ApiResults.BadRequest(new ErrorResource($"the body is larger than {JobRequest.MaxBodyBytes} bytes", "body")));
        }

        var job = JobRequest.Parse(body, out var spec, out var error);
        return job is null ? (null, null, ApiResults.BadRequest(error!)) : (job, spec, null);
    }

    /// <summary>
    /// Server-sent events: a <c>progress</c> event whenever the job moves, as the coordinator pushes it, then one
    /// <c>result</c> event; a keep-alive after every quiet spell. With <c>?batches=true</c>, also a <c>batches</c>
    /// event with the batch hand-outs the job keeps, then a <c>batch</c> event for each that changes. Every stream of a
    /// job on this node reads one feed (<see cref="EventFeeds"/>).
    /// </summary>
    private static async Task<IResult> StreamEventsAsync(string id, HttpRequest request, CoordinatorClient client, EventFeeds feeds, CancellationToken ct)
    {
        var batches = request.Query["batches"] == "true";
        if (!JobId.TryParse(id, out var jobId) || await client.GetAsync(jobId, ct) is not { } view)
        {
            return ApiResults.NotFound(id);
        }

        return new EventStreamResult(view.State.IsTerminal() && !batches
            ? EventReader.Of(EventBlock.Of(JobEvents.Result, JobResources.From(view)))
            : feeds.JoinJob(view, batches));
    }

    /// <summary>The body, or null when it is longer than <paramref name="limit"/>: a huge body is refused, not read.</summary>
    private static async Task<byte[]?> ReadLimitedAsync(Stream body, int limit, CancellationToken ct)
    {
        var buffer = new byte[limit + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), ct)) > 0)
        {
            length += read;
        }

        return length > limit ? null : buffer[..length];
    }

    /// <summary>A result with one more header.</summary>
    private sealed class WithHeader(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
