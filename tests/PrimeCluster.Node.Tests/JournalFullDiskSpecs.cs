using System.Net;
using System.Text;
using System.Text.Json;
using PrimeCluster.Testing;
using Xunit.Abstractions;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// A seed process whose DATA_DIR is on a filesystem that fills up (a small tmpfs the spec mounts): while its job journal
/// cannot write, new jobs are refused with 503 and the reason and /healthz is unhealthy, each said once in the log;
/// both recover once the disk has room, and what could not be written then is.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class JournalFullDiskSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task A_seed_whose_journal_cannot_write_should_refuse_jobs_and_be_unhealthy_until_it_can_again()
    {
        using var disk = await SmallFilesystem.MountAsync(megabytes: 16);
        var dataDir = Path.Combine(disk.Path, "seed");
        using var cluster = new ProcessCluster(output, "akka.loglevel = INFO");
        var seed = cluster.Start(("CLUSTER_ROLES", "seed,worker"), ("WORKERS", "1"), ("DATA_DIR", dataDir));
        await cluster.WaitUntilAsync("the seed is healthy", () => SeedApi.HealthyAsync(seed));
        var before = await SeedApi.SubmitAsync(seed, """{"from": 1, "til": 100000}""");

        // The disk fills: the next write of the journal fails. A job submitted then may be the one whose write fails;
        // after it, none is accepted.
        disk.Fill();
        var accepted = new List<string>();
        HttpResponseMessage refused = null!;
        await cluster.WaitUntilAsync("a job is refused", async () =>
        {
            refused = await SubmitAsync(seed);
            if (refused.StatusCode == HttpStatusCode.Accepted)
            {
                accepted.Add(await IdOfAsync(refused));
            }

            return refused.StatusCode == HttpStatusCode.ServiceUnavailable;
        });
        Assert.True(accepted.Count <= 1, $"{accepted.Count} jobs were accepted with the disk full");
        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
        Assert.Contains("journal.db cannot be written: database or disk is full", error, StringComparison.Ordinal);

        using (var health = await seed.Http.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("journal-failing", body.GetProperty("status").GetString());
            Assert.Equal("up", body.GetProperty("member").GetString());
            Assert.Contains("database or disk is full", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        // What needs no write is served as before.
        Assert.Equal(HttpStatusCode.OK, (await seed.Http.GetAsync("/cluster")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await seed.Http.GetAsync($"/jobs/{before}")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await SubmitAsync(seed)).StatusCode);

        // Room again: healthy, and accepting, within the store's next try.
        disk.Free();
        await cluster.WaitUntilAsync("the seed is healthy again", () => SeedApi.HealthyAsync(seed));
        Assert.Equal("""{"status":"up","member":"up"}""", await seed.Http.GetStringAsync("/healthz"));
        var after = await SubmitAsync(seed);
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
        accepted.Add(await IdOfAsync(after));
        foreach (var id in accepted.Prepend(before))
        {
            SeedApi.AssertExact(await cluster.WaitForFinishedAsync(seed, id), new(1, 100_000));
        }

        // One line when it could not write, one when it could again; no stack trace.
        var lines = seed.Output.Split('\n');
        output.WriteLine(string.Join('\n', lines.Where(l => l.Contains("journal", StringComparison.OrdinalIgnoreCase))));
        Assert.Single(lines, l => l.Contains("Cannot write the job journal", StringComparison.Ordinal) && l.Contains("database or disk is full", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("disk is full", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("can be written again", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));

        // What the journal could not write while the disk was full, it wrote since: every job survives a restart.
        seed.KillHard();
        var restarted = cluster.Start(seed, ("CLUSTER_ROLES", "seed,worker"), ("WORKERS", "1"), ("DATA_DIR", dataDir));
        await cluster.WaitUntilAsync("the seed is back", () => SeedApi.HealthyAsync(restarted));
        foreach (var id in accepted.Prepend(before))
        {
            SeedApi.AssertExact(await SeedApi.JobAsync(restarted, id), new(1, 100_000));
        }
    }

    private static Task<HttpResponseMessage> SubmitAsync(NodeProcess seed) =>
        seed.Http.PostAsync("/jobs", new StringContent("""{"from": 1, "til": 100000}""", Encoding.UTF8, "application/json"));

    private static async Task<string> IdOfAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
}
