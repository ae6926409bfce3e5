using System.Text.Json;
using System.Text.RegularExpressions;
using PrimeCluster.Cli.Commands;
using PrimeCluster.Testing;

namespace PrimeCluster.Cli.Tests;

/// <summary>A seed whose workers have not joined yet: a job waits, and says what for.</summary>
public sealed class NoWorkerClusterSpecs
{
    [Fact]
    public async Task A_submitted_job_should_show_its_id_queued_for_want_of_workers_and_the_api_should_count_none()
    {
        using var seed = NodeProcess.Start(new Dictionary<string, string> { ["CLUSTER_ROLES"] = "seed" });
        NodeWait.Until(() => NodeWait.IsUp(seed), seed);
        var environment = new Dictionary<string, string> { [RemoteOptions.UrlVariable] = seed.Api.ToString() };

        var run = await CliRun.InterruptedAtAsync("queued: no workers in the cluster yet", terminal: false, environment, "submit", "1", "100000");

        Assert.Equal(ExitCodes.Interrupted, run.ExitCode);
        var id = Regex.Match(run.Error, "^job ([a-z0-9]{10}) queued: no workers in the cluster yet$", RegexOptions.Multiline).Groups[1].Value;
        var jobs = await CliRun.InvokeAsync(environment, "jobs", "--json");
        var job = JsonDocument.Parse(jobs.Out).RootElement.EnumerateArray().Single(j => j.GetProperty("id").GetString() == id);
        Assert.Equal("queued", job.GetProperty("state").GetString());
        Assert.Equal(0, job.GetProperty("workers").GetInt32());
    }
}
