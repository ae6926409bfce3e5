using System.Text;
using System.Text.Json;
using PrimeCluster.Testing;
using Xunit.Abstractions;

namespace PrimeCluster.Node.Tests;

/// <summary>A seed process's job API, as the specs that run nodes as processes use it.</summary>
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

    /// <summary>Polls every 100 ms, for at most <paramref name="bound"/>; a node that cannot be reached yet counts as not yet.</summary>
    public static async Task WaitUntilAsync(string what, TimeSpan bound, ITestOutputHelper output, Func<Task<bool>> condition)
    {
        var deadline = DateTimeOffset.UtcNow + bound;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {what}");
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not reachable or not answering yet counts as not yet.
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting until {what}.");
            }

            await Task.Delay(100);
        }
    }
}
