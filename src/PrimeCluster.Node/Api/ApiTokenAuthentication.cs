using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using PrimeCluster.Contracts;

namespace PrimeCluster.Node.Api;

/// <summary>
/// API_TOKEN as ASP.NET Core authentication: every request must carry <c>Authorization: Bearer &lt;token&gt;</c>, the
/// scheme in any case (RFC 9110 §11.1), except for the dashboard's files (<c>AllowAnonymous</c>), which hold no data:
/// the page asks for the token and sends it itself.
/// </summary>
internal static class ApiTokenAuthentication
{
    public const string Scheme = "Bearer";

    public static IServiceCollection AddApiToken(this IServiceCollection services, string token)
    {
        services.AddAuthentication(Scheme).AddScheme<ApiTokenOptions, ApiTokenHandler>(Scheme, options => options.Token = token);

        // Every endpoint, and every path that matches none, needs the token unless it allows anonymous requests.
        services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build());
        return services;
    }
}

internal sealed class ApiTokenOptions : AuthenticationSchemeOptions
{
    public string Token { get; set; } = string.Empty;
}

internal sealed class ApiTokenHandler(IOptionsMonitor<ApiTokenOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<ApiTokenOptions>(options, logger, encoder)
{
    private static readonly ClaimsPrincipal Holder = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "api-token")], ApiTokenAuthentication.Scheme));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // credentials = auth-scheme 1*SP token68: the scheme is case-insensitive, the token is not.
        var header = Request.Headers.Authorization.ToString();
        var separator = header.IndexOf(' ', StringComparison.Ordinal);
        if (separator < 0 || !header.AsSpan(0, separator).Equals(ApiTokenAuthentication.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var given = Encoding.UTF8.GetBytes(header[(separator + 1)..].TrimStart(' '));
        return Task.FromResult(CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(Options.Token))
            ? AuthenticateResult.Success(new AuthenticationTicket(Holder, ApiTokenAuthentication.Scheme))
            : AuthenticateResult.Fail("wrong bearer token"));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = ApiTokenAuthentication.Scheme;
        return ApiResults.Json(new ErrorResource("missing or wrong bearer token: send 'Authorization: Bearer <API_TOKEN>'"), StatusCodes.Status401Unauthorized)
            .ExecuteAsync(Context);
    }
}
