using System.Globalization;
using System.Text;
using System.Text.Json;
using PrimeCluster.Core;
using PrimeCluster.Testing;
using Xunit.Abstractions;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// Node processes on loopback as a user would run them, with a HOCON file laid over the built-in cluster.hocon, and the
/// questions the specs ask them over the API. Every wait is bounded by <see cref="Bound"/>.
/// </summary>
public sealed class ProcessCluster(ITestOutputHelper output, string hocon) : IDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private readonly List<NodeProcess> _nodes = [];
    private readonly string _config = WriteConfig(hocon);

    public NodeProcess Start(params (string Name, string Value)[] environment) => Start(null, environment);

    /// <summary>Starts a node; given <paramref name="restartOf"/>, at that node's ports.</summary>
    public NodeProcess Start(NodeProcess? restartOf, params (string Name, string Value)[] environment)
    {
        var variables = environment.ToDictionary(e => e.Name, e => e.Value);
        variables["CLUSTER_CONFIG"] = _config;
        var node = NodeProcess.Start(variables, restartOf);
        _nodes.Add(node);
        return node;
    }

    public static async Task<string> SubmitAsync(NodeProcess seed, string body)
    {
        var response = await seed.Http.PostAsync("/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        using var job = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return job.RootElement.GetProperty("id").GetString()!;
    }

    public static async Task<JsonElement> JobAsync(NodeProcess seed, string id) =>
        JsonDocument.Parse(await seed.Http.GetStringAsync($"/jobs/{id}")).RootElement;

    public static async Task<JsonElement> ClusterAsync(NodeProcess seed) =>
        JsonDocument.Parse(await seed.Http.GetStringAsync("/cluster")).RootElement;

    public static async Task<List<string>> MembersAsync(NodeProcess seed) =>
        (await ClusterAsync(seed)).GetProperty("members").EnumerateArray().Select(m => m.GetProperty("address").GetString()!).ToList();

    public static async Task<int> WorkersAsync(NodeProcess seed) =>
        (await ClusterAsync(seed)).GetProperty("totals").GetProperty("workers").GetInt32();

    public static async Task<int> UpMembersAsync(NodeProcess seed) =>
        (await ClusterAsync(seed)).GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "up");

    public static async Task<bool> BusyAsync(NodeProcess seed, NodeProcess worker) =>
        (await ClusterAsync(seed)).GetProperty("members").EnumerateArray()
            .Any(m => m.GetProperty("address").GetString() == worker.Address && m.GetProperty("busy").GetInt32() > 0);

    public static async Task<bool> HealthyAsync(NodeProcess node) =>
        (await node.Http.GetAsync("/healthz")).IsSuccessStatusCode;

    public async Task<JsonElement> WaitForFinishedAsync(NodeProcess seed, string id)
    {
        JsonElement job = default;
        await WaitUntilAsync($"job {id} finishes", async () =>
        {
            job = await JobAsync(seed, id);
            return job.GetProperty("state").GetString() is "done" or "cancelled" or "failed";
        });
        return job;
    }

    /// <summary>The job ended done with the exact tuple of <paramref name="range"/>.</summary>
    public static void AssertExact(JsonElement job, NumberRange range)
    {
        var expected = Core.Kernels.SieveKernel.Instance.Count(range.From, range.Til);
        Assert.Equal("done", job.GetProperty("state").GetString());
        Assert.Equal(expected.PrimeCount.ToString(CultureInfo.InvariantCulture), job.GetProperty("prime_count").GetRawText());
        Assert.Equal(expected.CheckCount.ToString(), job.GetProperty("check_count").GetRawText());
    }

    /// <summary>Polls every 100 ms, for at most <see cref="Bound"/>; a node that cannot be reached yet counts as not yet.</summary>
    public async Task<TimeSpan> WaitUntilAsync(string what, Func<Task<bool>> condition)
    {
        var started = DateTimeOffset.UtcNow;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    var took = DateTimeOffset.UtcNow - started;
                    output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {what} (after {took.TotalSeconds:0.0} s)");
                    return took;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not reachable or not answering yet counts as not yet.
            }

            if (DateTimeOffset.UtcNow - started > Bound)
            {
                throw new TimeoutException($"Gave up waiting until {what}.");
            }

            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            if (!node.HasExited || node.ExitCode != 0)
            {
                output.WriteLine($"--- node on port {node.ClusterPort}{(node.HasExited ? $" exited with {node.ExitCode}" : string.Empty)}:\n{node.Output}");
            }

            node.Dispose();
        }

        File.Delete(_config);
    }

    private static string WriteConfig(string hocon)
    {
        var path = Path.Combine(Path.GetTempPath(), $"primecluster-test-{Guid.NewGuid():N}.hocon");
        File.WriteAllText(path, hocon);
        return path;
    }
}
