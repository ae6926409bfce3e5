using System.Globalization;
using Akka.Configuration;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Hosting;
using Xunit.Abstractions;

namespace PrimeCluster.Dashboard.Tests;

/// <summary>
/// The page with 200 jobs and 50 members: a seed process and 49 light worker members in this process, each started
/// the way every node is (<see cref="ClusterNodeHost"/>, AddPrimeCluster). The time to first render and the longest
/// main-thread task are printed, not asserted; what is asserted is that every job and member is listed. Fifty actor
/// systems on two shared cores answer heartbeats late: every node here allows a long pause before it calls a peer
/// unreachable.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ResponsivenessSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Members = 50;
    private const int Jobs = 200;
    private const int JobsWhileOpen = 20;
    private const int StartedAtOnce = 7;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    private static readonly string Patient = """
        akka.loglevel = ERROR
        akka.cluster.failure-detector.heartbeat-interval = 2s
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 40s
        akka.cluster.failure-detector.threshold = 12.0
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        """;

    private readonly string _config = Path.Combine(Path.GetTempPath(), $"primecluster-dashboard-{Guid.NewGuid():N}.hocon");

    private readonly DashboardNodes _nodes = new(output);
    private readonly List<ClusterNodeHost> _members = [];

    [Fact]
    public async Task A_page_with_200_jobs_and_50_members_should_list_them_all_and_follow_new_jobs()
    {
        await File.WriteAllTextAsync(_config, Patient);
        var seed = await _nodes.StartLoneSeedAsync(("CLUSTER_CONFIG", _config));
        var ids = new List<string>();
        for (var i = 0; i < Jobs; i++)
        {
            ids.Add(await DashboardNodes.SubmitAsync(seed, $$"""{"from": {{i * 1000}}, "til": {{(i * 1000) + 999}}, "algorithm": "sieve"}"""));
        }

        using var browser = new Browser(output);
        while (_members.Count < Members - 1)
        {
            var batch = Enumerable.Range(0, Math.Min(StartedAtOnce, Members - 1 - _members.Count)).Select(_ => StartWorkerMemberAsync(seed.Address));
            _members.AddRange(await Task.WhenAll(batch));
            browser.Until($"the seed lists {_members.Count + 1} members, up", _ => UpMembers(seed) == _members.Count + 1, Bound);
        }

        browser.Open(seed.Api);
        browser.Until($"{Jobs} jobs and {Members} members are listed", _ => Count(browser, "#jobs tr") == Jobs && Count(browser, "#members tr") == Members, Bound);
        var firstRender = Convert.ToDouble(browser.Script("return performance.now();"), CultureInfo.InvariantCulture);
        var contentful = Convert.ToDouble(browser.Script("return performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1;"), CultureInfo.InvariantCulture);

        for (var i = 0; i < JobsWhileOpen; i++)
        {
            ids.Add(await DashboardNodes.SubmitAsync(seed, $$"""{"from": 1, "til": {{10_000 + i}}, "algorithm": "sieve"}"""));
        }

        browser.Until("the jobs submitted while the page is open are listed", _ => Count(browser, "#jobs tr") == Jobs + JobsWhileOpen, Bound);
        browser.Until("the newest job shows done", _ => browser.Find($"tr[data-job-id='{ids[^1]}'] .state").Text == "done", Bound);
        var longTasks = ((IEnumerable<object>)browser.Script("return window.__longTasks;")!).Select(t => Convert.ToDouble(t, CultureInfo.InvariantCulture)).ToList();
        browser.Screenshot("many-jobs-and-members", documentation: false);

        var figures = string.Create(
            CultureInfo.InvariantCulture,
            $"dashboard with {Jobs} jobs and {Members} members: every row rendered {firstRender:0} ms after navigation (first contentful paint {contentful:0} ms); " +
            $"long tasks (over 50 ms) until the {JobsWhileOpen} later jobs were listed: {longTasks.Count}, longest {(longTasks.Count == 0 ? 0 : longTasks.Max()):0} ms " +
            $"({string.Join(", ", longTasks.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))})");
        output.WriteLine(figures);
        await File.AppendAllTextAsync(Path.Combine(AppContext.BaseDirectory, "dashboard-figures.txt"), $"{DateTimeOffset.UtcNow:u} {figures}\n");

        Assert.Equal(Jobs + JobsWhileOpen, Count(browser, "#jobs tr"));
        Assert.Equal(Members, Count(browser, "#members tr"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _nodes.Dispose();
        await Task.WhenAll(_members.Select(m => m.DisposeAsync().AsTask()));
        File.Delete(_config);
    }

    private static int Count(Browser browser, string css) =>
        Convert.ToInt32(browser.Script("return document.querySelectorAll(arguments[0]).length;", css), CultureInfo.InvariantCulture);

    /// <summary>The members up and reachable, as the seed sees them; -1 while it does not answer in time.</summary>
    private static int UpMembers(Testing.NodeProcess seed)
    {
        try
        {
            using var cluster = System.Text.Json.JsonDocument.Parse(seed.Http.GetStringAsync("/cluster").GetAwaiter().GetResult());
            return cluster.RootElement.GetProperty("members").EnumerateArray()
                .Count(m => m.GetProperty("status").GetString() == "up" && m.GetProperty("reachable").GetBoolean());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return -1;
        }
    }

    /// <summary>A member with one worker actor, patient with its peers; stopped without leaving, since the seed goes first.</summary>
    private static Task<ClusterNodeHost> StartWorkerMemberAsync(string seed)
    {
        var node = ClusterConfig.Build(new NodeSettings
        {
            BindHost = "127.0.0.1",
            PublicHost = "127.0.0.1",
            Port = "0",
            Roles = "worker",
            Workers = "1",
            Seeds = seed,
            ApiUrl = "http://127.0.0.1:0",
        }).WithHocon(ConfigurationFactory.ParseString(Patient));
        return ClusterNodeHost.StartAsync(node).WaitAsync(Bound);
    }
}
