using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Akka.Configuration;
using Microsoft.AspNetCore.RateLimiting;
using PrimeCluster.Contracts;
using PrimeCluster.Node.Api;

namespace PrimeCluster.Node.Streams;

/// <summary>
/// How many event streams the node serves at once, with ASP.NET Core's rate limiting: at most <see cref="Total"/>
/// (beyond, <c>503</c>) and at most <see cref="PerClient"/> from one client address (beyond, <c>429</c>), each limit a
/// concurrency limiter that holds its permit for as long as the stream is open, with no queue.
/// </summary>
/// <param name="Total"><c>primecluster.api.streams</c>.</param>
/// <param name="PerClient"><c>primecluster.api.streams-per-client</c>.</param>
internal sealed record EventStreamLimits(int Total, int PerClient)
{
    /// <summary>The rate-limiting policy of every event stream's endpoint.</summary>
    public const string Policy = "event-streams";

    /// <summary>What a refused client is told to wait before it asks again.</summary>
    private const int RetryAfterSeconds = 5;

    public static EventStreamLimits From(Config hocon)
    {
        ArgumentNullException.ThrowIfNull(hocon);
        return new EventStreamLimits(AtLeastOne(hocon, "primecluster.api.streams"), AtLeastOne(hocon, "primecluster.api.streams-per-client"));
    }

    public void AddTo(IServiceCollection services) => services.AddRateLimiter(options =>
    {
        // Every stream of the node, whoever opened it. Other requests are not limited here.
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, bool>(context => IsStream(context)
            ? RateLimitPartition.GetConcurrencyLimiter(true, _ => new ConcurrencyLimiterOptions { PermitLimit = Total, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter(false));
        options.OnRejected = (rejected, _) => Refuse(
            rejected.HttpContext,
            byClient: false,
            StatusCodes.Status503ServiceUnavailable,
            $"this node serves {Total} event streams at once, its most (primecluster.api.streams); try again later");
        options.AddPolicy(Policy, new PerClientPolicy(PerClient));
    });

    private static bool IsStream(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Policy;

    private static ValueTask Refuse(HttpContext context, bool byClient, int status, string why)
    {
        StreamMetrics.StreamRefused(byClient);
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return new ValueTask(ApiResults.Json(new ErrorResource(why), status).ExecuteAsync(context));
    }

    private static int AtLeastOne(Config hocon, string path)
    {
        var value = hocon.GetInt(path, 0);
        return value >= 1 ? value : throw new ConfigurationException($"{path} must be a whole number of at least 1, got '{hocon.GetString(path, string.Empty)}'.");
    }

    /// <summary>Streams by client address (an IPv4 address mapped to IPv6 is the IPv4 one).</summary>
    private sealed class PerClientPolicy(int limit) : IRateLimiterPolicy<IPAddress>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask> OnRejected => (rejected, _) => Refuse(
            rejected.HttpContext,
            byClient: true,
            StatusCodes.Status429TooManyRequests,
            $"this client has {limit} event streams open, the most one client may (primecluster.api.streams-per-client); close one, or poll GET /jobs/{{id}}");

        public RateLimitPartition<IPAddress> GetPartition(HttpContext httpContext)
        {
            var address = httpContext.Connection.RemoteIpAddress ?? IPAddress.None;
            return RateLimitPartition.GetConcurrencyLimiter(
                address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address,
                _ => new ConcurrencyLimiterOptions { PermitLimit = limit, QueueLimit = 0 });
        }
    }
}
