using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PrimeCluster.Testing;
using Xunit.Abstractions;

namespace PrimeCluster.Dashboard.Tests;

/// <summary>The node processes a spec starts, stopped at its end; what they said is shown when they failed.</summary>
public sealed class DashboardNodes(ITestOutputHelper output) : IDisposable
{
    private readonly List<NodeProcess> _nodes = [];

    /// <summary>Starts a node; one with no CLUSTER_ROLES is a whole cluster alone (seed and worker).</summary>
    public NodeProcess Start(params (string Name, string Value)[] environment)
    {
        var variables = new Dictionary<string, string>();
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        var node = NodeProcess.Start(variables);
        _nodes.Add(node);
        return node;
    }

    /// <summary>A seed that is also its own worker, with one worker actor unless told otherwise, once it is up.</summary>
    public async Task<NodeProcess> StartLoneSeedAsync(params (string Name, string Value)[] environment)
    {
        var seed = Start([("WORKERS", "1"), .. environment]);
        await WaitUntilHealthyAsync(seed, environment.FirstOrDefault(e => e.Name == "API_TOKEN").Value);
        return seed;
    }

    public static async Task WaitUntilHealthyAsync(NodeProcess node, string? token = null)
    {
        var deadline = DateTimeOffset.UtcNow + Browser.Bound;
        while (true)
        {
            try
            {
                using var request = Request(HttpMethod.Get, "/healthz", token);
                if ((await node.Http.SendAsync(request)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"The node did not come up within {Browser.Bound.TotalSeconds} s.\n{node.Report}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Submits a job through the API; returns its id.</summary>
    public static async Task<string> SubmitAsync(NodeProcess seed, string json, string? token = null)
    {
        using var request = Request(HttpMethod.Post, "/jobs", token);
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await seed.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var job = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return job.RootElement.GetProperty("id").GetString()!;
    }

    public static async Task<string> StateAsync(NodeProcess seed, string id)
    {
        using var job = JsonDocument.Parse(await seed.Http.GetStringAsync($"/jobs/{id}"));
        return job.RootElement.GetProperty("state").GetString()!;
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            if (!node.HasExited || node.ExitCode != 0)
            {
                output.WriteLine(node.Report);
            }

            node.Dispose();
        }
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? token)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }
}
