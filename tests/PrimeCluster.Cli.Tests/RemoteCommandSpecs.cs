using System.Text.Json;
using System.Xml.Linq;
using PrimeCluster.Cli.Commands;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Testing;

namespace PrimeCluster.Cli.Tests;

/// <summary>The commands that talk to a cluster, against the built node running as a process with a token.</summary>
public sealed class RemoteCommandSpecs(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private readonly Dictionary<string, string> _environment = new()
    {
        [RemoteOptions.UrlVariable] = fixture.Node.Api.ToString(),
        [RemoteOptions.TokenVariable] = NodeFixture.Token,
    };

    [Fact]
    public async Task Submit_should_follow_the_job_and_print_the_exact_result()
    {
        var run = await CliRun.InvokeAsync(_environment, "submit", "1", "200000");

        Assert.Equal(ExitCodes.Done, run.ExitCode);
        var row = run.Out.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["1-200000", "trial"], row[..2]);
        Assert.Contains("17984", row);
        Assert.Contains("1711580852", row);
        Assert.Contains("done:", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detached_submit_should_print_the_id_and_watch_should_then_print_the_result()
    {
        var submit = await CliRun.InvokeAsync(_environment, "submit", "1", "100000", "--detach");
        var id = submit.Out.Trim();
        Assert.Equal(ExitCodes.Done, submit.ExitCode);
        Assert.Matches("^[a-z0-9]{10}$", id);
        Assert.Contains($"primecluster watch {id}", submit.Error, StringComparison.Ordinal);

        var watch = await CliRun.InvokeAsync(_environment, "watch", id, "--json");

        Assert.Equal(ExitCodes.Done, watch.ExitCode);
        using var job = JsonDocument.Parse(watch.Out);
        Assert.Equal("455189150", job.RootElement.GetProperty("check_count").GetRawText());
        Assert.Equal("9592", job.RootElement.GetProperty("prime_count").GetRawText());

        var jobs = await CliRun.InvokeAsync(_environment, "jobs");
        Assert.Contains(jobs.Out.Split('\n'), line => line.StartsWith(id, StringComparison.Ordinal) && line.Contains("done", StringComparison.Ordinal));
        var jobsJson = await CliRun.InvokeAsync(_environment, "jobs", "--json");
        Assert.Contains(JsonDocument.Parse(jobsJson.Out).RootElement.EnumerateArray(), j => j.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Jobs_should_show_the_newest_and_page_through_the_rest()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(ExitCodes.Done, (await CliRun.InvokeAsync(_environment, "submit", "1", "1000", "--detach")).ExitCode);
        }

        var two = await CliRun.InvokeAsync(_environment, "jobs", "--limit", "2", "--json");
        var all = await CliRun.InvokeAsync(_environment, "jobs", "--all", "--json");

        Assert.Equal(ExitCodes.Done, two.ExitCode);
        var newest = JsonDocument.Parse(two.Out).RootElement.EnumerateArray().Select(j => j.GetProperty("id").GetString()).ToList();
        var every = JsonDocument.Parse(all.Out).RootElement.EnumerateArray().Select(j => j.GetProperty("id").GetString()).ToList();
        Assert.Equal(2, newest.Count);
        Assert.True(every.Count >= 3);
        Assert.Equal(every.Take(2), newest);
        Assert.Contains("--all", two.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("--all", all.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, (await CliRun.InvokeAsync(_environment, "jobs", "--limit", "0")).ExitCode);
    }

    [Fact]
    public async Task Cancel_should_stop_a_running_job_and_watch_should_then_exit_1()
    {
        var id = (await CliRun.InvokeAsync(_environment, "submit", "1", "6000000", "--detach", "--yes")).Out.Trim();

        var cancel = await CliRun.InvokeAsync(_environment, "cancel", id, "--json");

        Assert.Equal(ExitCodes.Done, cancel.ExitCode);
        Assert.Equal("cancelled", JsonDocument.Parse(cancel.Out).RootElement.GetProperty("state").GetString());
        var watch = await CliRun.InvokeAsync(_environment, "watch", id);
        Assert.Equal(ExitCodes.Failed, watch.ExitCode);
        Assert.Empty(watch.Out);
        Assert.Contains("cancelled", watch.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_C_while_following_should_leave_the_job_running_and_say_how_to_cancel_it()
    {
        using var interrupt = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        var run = await CliRun.InvokeAsync(_environment, null, interrupt.Token, "submit", "1", "6000000", "--yes");

        Assert.Equal(ExitCodes.Interrupted, run.ExitCode);
        var id = System.Text.RegularExpressions.Regex.Match(run.Error, "primecluster cancel ([a-z0-9]+)").Groups[1].Value;
        var still = await CliRun.InvokeAsync(_environment, "jobs", "--json");
        var job = JsonDocument.Parse(still.Out).RootElement.EnumerateArray().Single(j => j.GetProperty("id").GetString() == id);
        Assert.Equal("running", job.GetProperty("state").GetString());
        Assert.Equal(ExitCodes.Done, (await CliRun.InvokeAsync(_environment, "cancel", id)).ExitCode);
    }

    [Fact]
    public async Task A_bare_port_should_be_the_api_on_this_machine()
    {
        var run = await CliRun.InvokeAsync(
            new Dictionary<string, string> { [RemoteOptions.TokenVariable] = NodeFixture.Token },
            "status", "--json", "--cluster", $"{fixture.Node.Api.Port}");

        Assert.True(run.ExitCode == ExitCodes.Done, run.Error);
        Assert.Equal(2, JsonDocument.Parse(run.Out).RootElement.GetProperty("totals").GetProperty("workers").GetInt32());
    }

    [Fact]
    public async Task Https_to_the_seeds_plain_http_port_should_say_that_the_port_does_not_speak_tls()
    {
        var https = $"https://127.0.0.1:{fixture.Node.Api.Port}/";

        var run = await CliRun.InvokeAsync(_environment, "status", "--cluster", https);

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.Equal($"primecluster: {https} refused: port {fixture.Node.Api.Port} does not speak TLS; for a plain-http API use http://127.0.0.1:{fixture.Node.Api.Port}/.", run.Error.TrimEnd());
    }

    [Fact]
    public async Task Status_should_list_the_node_with_its_workers()
    {
        var table = await CliRun.InvokeAsync(_environment, "status");
        var json = await CliRun.InvokeAsync(_environment, "status", "--json");

        Assert.Equal(ExitCodes.Done, table.ExitCode);
        Assert.Contains($"127.0.0.1:{fixture.Node.ClusterPort}", table.Out, StringComparison.Ordinal);
        Assert.Contains("seed,worker", table.Out, StringComparison.Ordinal);
        Assert.Matches(@"busy\s+mismatches\n.*\s2\s+\d+\s+0\n", table.Out);
        Assert.Contains("1 member, 2 workers, ", table.Out, StringComparison.Ordinal);
        Assert.Equal(2, JsonDocument.Parse(json.Out).RootElement.GetProperty("totals").GetProperty("workers").GetInt32());
    }

    [Fact]
    public async Task Bench_should_print_the_articles_table_with_exact_counts()
    {
        var run = await CliRun.InvokeAsync(_environment, "bench", "--repeat", "1", "--json");

        Assert.Equal(ExitCodes.Done, run.ExitCode);
        Assert.Contains("bench: [1, 1000], 1 run\n", run.Error, StringComparison.Ordinal);
        var rows = JsonDocument.Parse(run.Out).RootElement.EnumerateArray().ToList();
        Assert.Equal([1_000UL, 10_000, 25_000, 50_000, 75_000, 100_000], rows.Select(r => r.GetProperty("til").GetUInt64()));
        Assert.All(rows, r => Assert.Equal(
            SieveKernel.Instance.Count(1, r.GetProperty("til").GetUInt64()).CheckCount.ToString(),
            r.GetProperty("check_count").GetRawText()));
    }

    [Fact]
    public async Task Bench_with_a_chart_should_draw_the_clusters_row_beside_the_article()
    {
        var folder = Directory.CreateTempSubdirectory("primecluster-chart-");
        try
        {
            var path = Path.Combine(folder.FullName, "cluster.svg");

            var run = await CliRun.InvokeAsync(_environment, "bench", "--repeat", "1", "--chart", path);

            Assert.Equal(ExitCodes.Done, run.ExitCode);
            Assert.DoesNotContain("twice", run.Error, StringComparison.Ordinal);
            var texts = XDocument.Load(path).Descendants(XName.Get("text", "http://www.w3.org/2000/svg")).Select(t => t.Value.Trim()).ToList();
            Assert.Contains("Python (article)", texts);
            Assert.Contains("Rust (article)", texts);
            Assert.Contains("PrimeCluster cluster, 2 workers", texts);
            Assert.Contains(texts, t => t.Contains($"on the cluster at {fixture.Node.Api}", StringComparison.Ordinal));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_trial_job_of_hours_should_need_confirmation()
    {
        var refused = await CliRun.InvokeAsync(_environment, "submit", "1", "100000000");
        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.Empty(refused.Out);
        Assert.Contains("--algorithm formula", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--yes", refused.Error, StringComparison.Ordinal);

        var declined = await CliRun.InvokeAsync(_environment, "n\n", CancellationToken.None, "submit", "1", "100000000");
        Assert.Equal(ExitCodes.Failed, declined.ExitCode);
        Assert.Contains("Run it anyway? [y/N]", declined.Error, StringComparison.Ordinal);
        Assert.Contains("not submitted", declined.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_token_should_exit_1_and_name_the_variable()
    {
        var environment = new Dictionary<string, string>(_environment) { [RemoteOptions.TokenVariable] = "wrong" };

        var run = await CliRun.InvokeAsync(environment, "jobs");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.Contains(RemoteOptions.TokenVariable, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_job_should_exit_2_naming_the_id()
    {
        var run = await CliRun.InvokeAsync(_environment, "watch", "nosuchjob1");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.StartsWith("primecluster: ID: ", run.Error, StringComparison.Ordinal);
    }
}

/// <summary>One node process, seed and worker with two worker actors, behind a token, for every test of a class.</summary>
public sealed class NodeFixture : IDisposable
{
    public const string Token = "cli-test-token";

    public NodeFixture()
    {
        Node = NodeProcess.Start(new Dictionary<string, string> { ["WORKERS"] = "2", ["API_TOKEN"] = Token });
        Node.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        NodeWait.Until(() => NodeWait.HasWorkers(Node, 2), Node);
    }

    public NodeProcess Node { get; }

    public void Dispose() => Node.Dispose();
}

public sealed class UnreachableClusterSpecs
{
    [Fact]
    public async Task A_cluster_that_cannot_be_reached_should_exit_1_naming_the_url_and_how_to_start_one()
    {
        var run = await CliRun.InvokeAsync(new Dictionary<string, string>(), "status", "--cluster", "http://127.0.0.1:9");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.Contains("http://127.0.0.1:9", run.Error, StringComparison.Ordinal);
        Assert.Contains("Start a node with", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://host/")]
    [InlineData("not a url")]
    [InlineData("host:port")]
    [InlineData("65536")]
    [InlineData("0")]
    public async Task A_bad_cluster_url_should_exit_2(string url)
    {
        var run = await CliRun.InvokeAsync(new Dictionary<string, string>(), "jobs", "--cluster", url);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--cluster", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30080", "http://127.0.0.1:30080/")]
    [InlineData(" 8080 ", "http://127.0.0.1:8080/")]
    [InlineData("seed-1:8080", "http://seed-1:8080/")]
    [InlineData("https://10.0.0.5:8443", "https://10.0.0.5:8443/")]
    public void A_cluster_url_may_be_a_port_or_host_and_port(string given, string url)
    {
        Assert.Equal(new Uri(url), RemoteOptions.ClusterUrl(given));
    }
}
