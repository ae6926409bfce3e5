using System.Net.Http.Headers;
using PrimeCluster.Actors.Configuration;

namespace PrimeCluster.Node;

/// <summary>
/// <c>primecluster-node --healthcheck</c>: asks the node on this host for /healthz. Container images need no curl,
/// and the probe sends the API token the node requires.
/// </summary>
internal static class HealthProbe
{
    public static async Task<int> RunAsync(ApiEndpoint node, TextWriter error)
    {
        // A node listening on every interface is reached on loopback.
        var url = new UriBuilder(node.Url) { Path = "/healthz" };
        if (url.Host is "0.0.0.0" or "[::]" or "*" or "+")
        {
            url.Host = "127.0.0.1";
        }

        // Over https the node's certificate is checked against the cluster's CA; not by name, since the probe asks
        // its own node on whatever address reaches it.
        string? refusal = null;
        using var handler = new SocketsHttpHandler();
        if (node.Authority is { } authority)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = authority.ServerCheck(hostName: null, reason => refusal = reason);
        }

        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        if (node.Token.Length > 0)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", node.Token);
        }

        try
        {
            using var response = await http.GetAsync(url.Uri);
            if (response.IsSuccessStatusCode)
            {
                return 0;
            }

            await error.WriteLineAsync($"primecluster-node: {url.Uri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"primecluster-node: {url.Uri} cannot be reached: {(refusal is null ? e.Message : $"refused its certificate: {refusal}")}");
            return 1;
        }
    }
}
