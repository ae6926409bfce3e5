using System.Globalization;
using System.Text;
using System.Text.Json;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Testing;
using Xunit.Abstractions;

namespace PrimeCluster.Node.Tests;

/// <summary>A node process's API, as the specs that run nodes as processes use it; every wait is bounded.</summary>
internal static class SeedApi
{
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

    /// <summary>The job ended done with the exact tuple of <paramref name="range"/>.</summary>
    public static void AssertExact(JsonElement job, NumberRange range)
    {
        var expected = SieveKernel.Instance.Count(range.From, range.Til);
        Assert.Equal("done", job.GetProperty("state").GetString());
        Assert.Equal(expected.PrimeCount.ToString(CultureInfo.InvariantCulture), job.GetProperty("prime_count").GetRawText());
        Assert.Equal(expected.CheckCount.ToString(), job.GetProperty("check_count").GetRawText());
    }

    public static async Task<JsonElement> WaitForFinishedAsync(NodeProcess seed, string id, TimeSpan bound, ITestOutputHelper output)
    {
        JsonElement job = default;
        await WaitUntilAsync($"job {id} finishes", bound, output, async () =>
        {
            job = await JobAsync(seed, id);
            return job.GetProperty("state").GetString() is "done" or "cancelled" or "failed";
        });
        return job;
    }

    /// <summary>
    /// Polls every 100 ms, for at most <paramref name="bound"/>; a node that cannot be reached yet counts as not yet.
    /// Returns how long it took.
    /// </summary>
    public static async Task<TimeSpan> WaitUntilAsync(string what, TimeSpan bound, ITestOutputHelper output, Func<Task<bool>> condition)
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

            if (DateTimeOffset.UtcNow - started > bound)
            {
                throw new TimeoutException($"Gave up waiting until {what}.");
            }

            await Task.Delay(100);
        }
    }
}
