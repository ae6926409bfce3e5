namespace PrimeCluster.Node.Dashboard;

/// <summary>
/// The dashboard on seeds: the page at <c>/</c>, its scripts and styles under <c>/dashboard/</c>. These hold no data
/// and are served without the API token; the page sends the token with every request for data.
/// </summary>
internal static class DashboardEndpoints
{
    /// <summary>
    /// Only the node's own files, scripts and connections: a page that shows an API token must not run or reach
    /// anything else.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void MapDashboard(this IEndpointRouteBuilder app)
    {
        var assets = DashboardAssets.Load();
        app.MapApiUrl();
        app.MapGet("/", (HttpContext context) => Serve(context, assets, "index.html")).AllowAnonymous();
        // /dashboard itself is where a user might look for the page: it is at /.
        app.MapGet("/dashboard/{**file}", (string? file, HttpContext context) => string.IsNullOrEmpty(file) ? Results.Redirect("/") : Serve(context, assets, file))
            .AllowAnonymous();
    }

    private static IResult Serve(HttpContext context, DashboardAssets assets, string file)
    {
        if (!assets.TryGet(file, out var asset))
        {
            return Results.NotFound();
        }

        var headers = context.Response.Headers;

        // Revalidated on every load, so a node that was upgraded serves its own page at once.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Bytes, asset.ContentType);
    }
}
