using PrimeCluster.Contracts;

namespace PrimeCluster.Node.Api;

/// <summary>Every answer is JSON in the API's one style.</summary>
internal static class ApiResults
{
    public static IResult Json<T>(T value, int status = StatusCodes.Status200OK) => Results.Json(value, ApiJson.Options, statusCode: status);

    public static IResult BadRequest(ErrorResource error) => Json(error, StatusCodes.Status400BadRequest);

    public static IResult NotFound(string id) => Json(new ErrorResource($"there is no job '{id}'", "id"), StatusCodes.Status404NotFound);

    public static IResult Unavailable(string why) => Json(new ErrorResource(why), StatusCodes.Status503ServiceUnavailable);

    /// <summary>A request for the job API at a node without the seed role: 421 Misdirected Request, which no seed answers.</summary>
    public static IResult NotASeed() =>
        Json(new ErrorResource("this node has no seed role: it serves /healthz only; the job API is on the seeds"), StatusCodes.Status421MisdirectedRequest);
}
