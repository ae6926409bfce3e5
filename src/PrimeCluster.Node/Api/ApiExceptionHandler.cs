using Akka.Actor;
using Microsoft.AspNetCore.Diagnostics;
using PrimeCluster.Contracts;

namespace PrimeCluster.Node.Api;

/// <summary>
/// What goes wrong behind an endpoint, as a JSON answer, for ASP.NET Core's exception handler: 503 when the
/// coordinator cannot be reached, 400 for a body Kestrel refuses, else 500 and the exception in the node's log. The
/// middleware itself leaves alone a request the client gave up and one whose answer has begun.
/// </summary>
internal sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var answer = exception switch
        {
            AskTimeoutException => ApiResults.Unavailable("the coordinator did not answer in time; the cluster may still be forming or have lost its seeds"),
            BadHttpRequestException e => ApiResults.BadRequest(new ErrorResource(e.Message, "body")),
            _ => null,
        };
        if (answer is null)
        {
            logger.LogError(exception, "{Method} {Path} failed", httpContext.Request.Method, httpContext.Request.Path);
            answer = ApiResults.Json(new ErrorResource("internal error; see the node's log"), StatusCodes.Status500InternalServerError);
        }

        await answer.ExecuteAsync(httpContext);
        return true;
    }
}
