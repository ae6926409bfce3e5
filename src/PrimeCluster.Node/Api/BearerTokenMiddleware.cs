using System.Security.Cryptography;
using System.Text;
using PrimeCluster.Contracts;
using PrimeCluster.Node.Dashboard;

namespace PrimeCluster.Node.Api;

/// <summary>
/// With API_TOKEN set, every request must carry <c>Authorization: Bearer &lt;token&gt;</c>, except for the files of the
/// dashboard page (<see cref="PublicAsset"/>), which hold no data: the page asks for the token and sends it itself.
/// </summary>
internal sealed class BearerTokenMiddleware(RequestDelegate next, string token)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes($"Bearer {token}");

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<PublicAsset>() is not null)
        {
            await next(context);
            return;
        }

        var given = Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString());
        if (!CryptographicOperations.FixedTimeEquals(given, _expected))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ApiResults.Json(new ErrorResource("missing or wrong bearer token: send 'Authorization: Bearer <API_TOKEN>'"), StatusCodes.Status401Unauthorized)
                .ExecuteAsync(context);
            return;
        }

        await next(context);
    }
}
