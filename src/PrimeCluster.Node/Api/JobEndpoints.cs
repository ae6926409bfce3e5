using System.Text;
using System.Text.Json;
using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Contracts;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Node.Api;

/// <summary>The job API of seed nodes: submit, list, follow and cancel jobs.</summary>
internal static class JobEndpoints
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>Jobs in a page of <c>GET /jobs</c> unless the request says how many.</summary>
    private const int DefaultPage = 100;

    public static void MapJobApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/jobs");
        jobs.MapPost(string.Empty, SubmitAsync);
        jobs.MapGet(string.Empty, ListAsync);
        jobs.MapGet("/{id}", async (string id, CoordinatorClient client, CancellationToken ct) =>
            JobId.TryParse(id, out var jobId) && await client.GetAsync(jobId, ct) is { } view
                ? ApiResults.Json(JobResources.From(view))
                : ApiResults.NotFound(id));
        jobs.MapDelete("/{id}", async (string id, CoordinatorClient client, CancellationToken ct) =>
            JobId.TryParse(id, out var jobId) && await client.CancelAsync(jobId, ct) is { } view
                ? ApiResults.Json(JobResources.From(view))
                : ApiResults.NotFound(id));
        jobs.MapGet("/{id}/events", StreamEventsAsync);
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

    private static async Task<IResult> SubmitAsync(HttpRequest request, CoordinatorClient client, CancellationToken ct)
    {
        // A JSON body only: a web page can send a form or text/plain anywhere without asking, but not JSON.
        if (!request.HasJsonContentType())
        {
            return ApiResults.Json(new ErrorResource("the body must be JSON, sent with Content-Type: application/json", "body"), StatusCodes.Status415UnsupportedMediaType);
        }

        var body = await ReadLimitedAsync(request.Body, JobRequest.MaxBodyBytes, ct);
        if (body is null)
        {
            return ApiResults.BadRequest(new ErrorResource($"the body is larger than {JobRequest.MaxBodyBytes} bytes", "body"));
        }

        var job = JobRequest.Parse(body, PlanOptions.MaxBatches, out var error);
        if (job is null)
        {
            return ApiResults.BadRequest(error!);
        }

        Names.TryParse(job.Algorithm, out Algorithm algorithm);
        Names.TryParse(job.Split, out SplitStrategy split);
        if (algorithm == Algorithm.Formula && job.Til > FormulaKernel.MaxTil)
        {
            return ApiResults.BadRequest(new ErrorResource($"til must be at most {FormulaKernel.MaxTil} ({FormulaKernel.MaxTilText}) with algorithm formula; algorithm sieve counts any range", "til"));
        }

        var spec = new JobSpec(new NumberRange(job.From, job.Til), algorithm, split, job.Batches);
        try
        {
            var id = await client.SubmitAsync(spec, job.AcceptCost, ct);
            if (await client.GetAsync(id, ct) is not { } view)
            {
                return ApiResults.Unavailable($"job {id} was accepted but the coordinator no longer knows it");
            }

            return new WithHeader(ApiResults.Json(JobResources.From(view), StatusCodes.Status202Accepted), "Location", $"/jobs/{id}");
        }
        catch (JobRejectedException e)
        {
            return ApiResults.BadRequest(new ErrorResource(e.Message, e.Why == JobProtocol.JobRejection.OverCostLimit ? "accept_cost" : "batches"));
        }
    }

    /// <summary>
    /// Server-sent events: a <c>progress</c> event whenever the job moves, as the coordinator pushes it, then one
    /// <c>result</c> event; a keep-alive comment after every quiet spell of <see cref="KeepAlive"/>.
    /// </summary>
    private static async Task StreamEventsAsync(string id, HttpContext context, CoordinatorClient client, Akka.Actor.ActorSystem actors)
    {
        var ct = context.RequestAborted;
        if (!JobId.TryParse(id, out var jobId) || await client.GetAsync(jobId, ct) is not { } view)
        {
            await ApiResults.NotFound(id).ExecuteAsync(context);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        string? last = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var views = client.FollowAsync(jobId, actors, stop.Token).GetAsyncEnumerator(stop.Token);
        var next = NextAsync(views);
        try
        {
            while (true)
            {
                var resource = JobResources.From(view);
                var json = JsonSerializer.Serialize(resource, ApiJson.Options);
                if (resource.IsFinished)
                {
                    await WriteEventAsync(context.Response, "result", json, ct);
                    return;
                }

                if (json != last)
                {
                    await WriteEventAsync(context.Response, "progress", json, ct);
                    last = json;
                }

                JobView? pushed;
                while (true)
                {
                    try
                    {
                        pushed = await next.WaitAsync(KeepAlive, ct);
                        break;
                    }
                    catch (TimeoutException)
                    {
                        await context.Response.WriteAsync(": keep-alive\n\n", ct);
                        await context.Response.Body.FlushAsync(ct);
                    }
                }

                // The subscription ends without a finished view only when the coordinator no longer knows the job.
                view = pushed ?? view with { State = JobState.Failed, Error = "the coordinator no longer knows this job" };
                next = NextAsync(views);
            }
        }
        finally
        {
            // The subscriber stops once the read in flight has ended; an enumerator cannot be disposed during one.
            await stop.CancelAsync();
            await next.ContinueWith(_ => { }, TaskScheduler.Default);
            await views.DisposeAsync();
        }
    }

    /// <summary>The next view pushed, or null when the subscription ended without one.</summary>
    private static async Task<JobView?> NextAsync(IAsyncEnumerator<JobView> views)
    {
        try
        {
            return await views.MoveNextAsync() ? views.Current : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static async Task WriteEventAsync(HttpResponse response, string name, string json, CancellationToken ct)
    {
        await response.WriteAsync($"event: {name}\ndata: {json}\n\n", Encoding.UTF8, ct);
        await response.Body.FlushAsync(ct);
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
