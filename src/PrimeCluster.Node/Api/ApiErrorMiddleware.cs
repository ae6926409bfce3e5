using Akka.Actor;
using PrimeCluster.Contracts;

namespace PrimeCluster.Node.Api;

/// <summary>Turns what goes wrong behind an endpoint into a JSON answer: 503 when the coordinator cannot be reached.</summary>
internal sealed class ApiErrorMiddleware(RequestDelegate next, ILogger<ApiErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (AskTimeoutException) when (!context.Response.HasStarted)
        {
            await ApiResults.Unavailable("the coordinator did not answer in time; the cluster may still be forming or have lost its seeds").ExecuteAsync(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await ApiResults.Json(new ErrorResource(e.Message, "body"), StatusCodes.Status400BadRequest).ExecuteAsync(context);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            logger.LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            await ApiResults.Json(new ErrorResource("internal error; see the node's log"), StatusCodes.Status500InternalServerError).ExecuteAsync(context);
        }
    }
}
