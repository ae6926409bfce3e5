using System.Text.Json;
using PrimeCluster.Core;
using PrimeCluster.Testing;

namespace PrimeCluster.Node.Tests;

/// <summary>A worker node whose kernel lies, beside an honest one, behind a seed's API.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LyingWorkerSpecs
{
    [Fact]
    public async Task The_liars_node_should_show_its_mismatch_in_the_cluster_and_the_job_end_exact()
    {
        await using var seed = await NodeUnderTest.StartAsync(roles: "seed");
        await seed.WaitUntilUpAsync();
        await using var honest = await NodeUnderTest.StartAsync(roles: "worker", workers: 1, seeds: seed.ClusterAddress);
        await using var liar = await NodeUnderTest.StartAsync(roles: "worker", workers: 1, seeds: seed.ClusterAddress, kernels: LyingKernel.Instant(Algorithm.Trial).AsSource());
        await UntilAsync(async () => (await ClusterAsync(seed)).GetProperty("totals").GetProperty("workers").GetInt32() == 2);

        using var accepted = JsonDocument.Parse(await (await seed.PostJsonAsync("/jobs", """{"from": 1, "til": 300000, "batches": 30}""")).Content.ReadAsStringAsync());
        var id = accepted.RootElement.GetProperty("id").GetString();
        JsonElement job = default;
        await UntilAsync(async () =>
        {
            job = JsonDocument.Parse(await seed.Http.GetStringAsync($"/jobs/{id}")).RootElement;
            return job.GetProperty("state").GetString() != "running" && job.GetProperty("state").GetString() != "queued";
        });

        Assert.Equal("done", job.GetProperty("state").GetString());
        Assert.Equal("25997", job.GetProperty("prime_count").GetRawText());
        Assert.Equal("3712902177", job.GetProperty("check_count").GetRawText());
        var members = (await ClusterAsync(seed)).GetProperty("members").EnumerateArray().ToDictionary(m => m.GetProperty("address").GetString()!, m => m.GetProperty("mismatches").GetInt32());
        Assert.Equal(1, members[liar.ClusterAddress]);
        Assert.Equal(0, members[honest.ClusterAddress]);
        Assert.Equal(0, members[seed.ClusterAddress]);
    }

    private static async Task<JsonElement> ClusterAsync(NodeUnderTest seed) =>
        JsonDocument.Parse(await seed.Http.GetStringAsync("/cluster")).RootElement;

    /// <summary>Polls every 100 ms for at most a minute.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(1);
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold within a minute.");
            }

            await Task.Delay(100);
        }
    }
}
