using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using PrimeCluster.Actors.Configuration;
using static PrimeCluster.Actors.Messages.ClusterProtocol;

namespace PrimeCluster.Node.Dashboard;

/// <summary>
/// A worker's <c>/</c>, for whoever opens a worker's API in a browser: it says that this is a worker and links the
/// dashboards of the seeds it sees up, each as the seed itself says where its API is (<see cref="ApiUrlActor"/>).
/// </summary>
internal static class WorkerPage
{
    /// <summary>Seeds asked at most, and how long each may take: a page, not a survey of the cluster.</summary>
    private const int MaxSeeds = 8;

    private const int MaxUrlLength = 2048;

    private static readonly TimeSpan AskLimit = TimeSpan.FromSeconds(2);

    /// <summary>On a seed: answers where its API is, once the server listens and its address is known.</summary>
    public static void MapApiUrl(this IEndpointRouteBuilder app)
    {
        var services = app.ServiceProvider;
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
        {
            var system = services.GetRequiredService<ActorSystem>();
            var listening = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            if (listening is not null && Advertised(listening, Cluster.Get(system).SelfAddress.Host) is { } url)
            {
                system.ActorOf(ApiUrlActor.Props(url), ApiUrlActor.Name);
            }
        });
    }

    /// <summary>On a worker: the page at <c>/</c>. It holds no more than the cluster's members see, and needs no token.</summary>
    public static void MapWorkerPage(this IEndpointRouteBuilder app) =>
        app.MapGet("/", async (ActorSystem system, HttpContext context) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return Results.Content(await RenderAsync(system, context.RequestAborted), "text/html; charset=utf-8");
        }).AllowAnonymous();

    private static async Task<string> RenderAsync(ActorSystem system, CancellationToken cancellationToken)
    {
        var cluster = Cluster.Get(system);
        var seeds = cluster.State.Members.Where(m => m.Status == MemberStatus.Up && m.HasRole(ClusterConfig.SeedRole)).Take(MaxSeeds).ToList();
        var urls = await Task.WhenAll(seeds.Select(seed => AskAsync(system, seed.Address, cancellationToken)));
        var html = HtmlEncoder.Default;
        var page = new StringBuilder();
        page.Append("<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>PrimeCluster worker</title></head>\n<body>\n");
        page.Append("<h1>PrimeCluster worker node</h1>\n");
        page.Append($"<p>This is a worker node of the cluster, <code>{html.Encode(cluster.SelfAddress.ToString())}</code>: it computes the batches of the cluster's jobs, and its API serves <a href=\"/healthz\">/healthz</a> and <a href=\"/metrics\">/metrics</a> only. The dashboard and the job API are on the seeds.</p>\n");
        if (seeds.Count == 0)
        {
            page.Append("<p>No seed is up in the cluster as this node sees it: it keeps trying to join the seeds it was given (--seeds).</p>\n");
        }
        else
        {
            page.Append("<ul>\n");
            foreach (var (seed, url) in seeds.Zip(urls))
            {
                var name = html.Encode(seed.Address.ToString());
                page.Append(url is null
                    ? $"<li>seed <code>{name}</code>: its dashboard is at its API_URL (it did not say where)</li>\n"
                    : $"<li><a href=\"{html.Encode(url)}\">{html.Encode(url)}</a>: seed <code>{name}</code></li>\n");
            }

            page.Append("</ul>\n");
        }

        page.Append("</body>\n</html>\n");
        return page.ToString();
    }

    /// <summary>The URL a seed says its API is at, when it answers in time with an http or https URL; else null.</summary>
    private static async Task<string?> AskAsync(ActorSystem system, Address seed, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await system.ActorSelection(new RootActorPath(seed) / ApiUrlActor.Path).Ask<ApiUrl>(GetApiUrl.Instance, AskLimit, cancellationToken);
            return answer.Url.Length <= MaxUrlLength
                && Uri.TryCreate(answer.Url, UriKind.Absolute, out var url)
                && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
                ? url.ToString()
                : null;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or InvalidCastException)
        {
            return null;
        }
    }

    /// <summary>The address the server listens on, as others reach it: a wildcard host (0.0.0.0, [::], +, *) becomes the node's public host.</summary>
    internal static string? Advertised(string listening, string? publicHost)
    {
        var wildcard = listening.Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal);
        if (!Uri.TryCreate(wildcard, UriKind.Absolute, out var url))
        {
            return null;
        }

        var any = IPAddress.TryParse(url.IdnHost, out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any));
        return any && publicHost is not null ? new UriBuilder(url) { Host = publicHost }.Uri.ToString() : url.ToString();
    }
}
