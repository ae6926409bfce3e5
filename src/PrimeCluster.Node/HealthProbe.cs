using System.Net.Http.Headers;

namespace PrimeCluster.Node;

/// <summary>
/// <c>primecluster-node --healthcheck</c>: asks the node on this host for /healthz. Container images need no curl,
/// and the probe sends the API token the node requires.
/// </summary>
internal static class HealthProbe
{
    public static async Task<int> RunAsync(string apiUrl, string token, TextWriter error)
    {
        // A node listening on every interface is reached on loopback.
        var url = new UriBuilder(apiUrl) { Path = "/healthz" };
        if (url.Host is "0.0.0.0" or "[::]" or "*" or "+")
        {
            url.Host = "127.0.0.1";
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        if (token.Length > 0)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
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
            await error.WriteLineAsync($"primecluster-node: {url.Uri} cannot be reached: {e.Message}");
            return 1;
        }
    }
}
