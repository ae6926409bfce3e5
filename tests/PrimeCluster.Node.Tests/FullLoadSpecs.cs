using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using PrimeCluster.Core;
using PrimeCluster.Testing;
using Xunit.Abstractions;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// A seed and 24 worker processes on this machine's cores, every worker computing flat out, a quarter of them killed
/// and as many new ones started while the job runs: the cluster must hold together (no member that lives is downed,
/// the lone seed least of all) and the job end exact.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class FullLoadSpecs(ITestOutputHelper output) : IDisposable
{
    private const int Workers = 24;
    private const int Replaced = Workers / 4;

    private static readonly NumberRange Range = new(1, 5_000_000);
    private static readonly TimeSpan StartBound = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan JobBound = TimeSpan.FromMinutes(8);

    private readonly ProcessCluster _cluster = new(output, Environment.GetEnvironmentVariable("FULL_LOAD_HOCON") ?? string.Empty);

    [FullLoadFact]
    public async Task A_job_should_end_exact_with_no_member_downed_while_a_quarter_of_24_computing_workers_are_killed_and_replaced()
    {
        output.WriteLine($"load at start: {LoadAverage()}");
        var seed = _cluster.Start(("CLUSTER_ROLES", "seed"), ("DATA_DIR", "none"));
        var workers = Enumerable.Range(0, Workers).Select(_ => StartWorker(seed)).ToList();
        await SeedApi.WaitUntilAsync($"{Workers} worker nodes up", StartBound, output, async () => await SeedApi.UpMembersAsync(seed) == Workers + 1);

        var survivors = workers.Skip(Replaced).ToList();
        var seedBefore = await HeartbeatIntervals.ReadAsync([seed]);
        var workersBefore = await HeartbeatIntervals.ReadAsync(survivors);
        var clock = Stopwatch.StartNew();
        var job = await SeedApi.SubmitAsync(seed, $$"""{"from": {{Range.From}}, "til": {{Range.Til}}}""");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var killed = workers.Take(Replaced).ToList();
        foreach (var worker in killed)
        {
            worker.KillHard();
        }

        var started = Enumerable.Range(0, Replaced).Select(_ => StartWorker(seed)).ToList();
        output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} killed {Replaced} workers and started {Replaced}, {clock.Elapsed.TotalSeconds:0.0} s into the job; load {LoadAverage()}");

        var done = await SeedApi.WaitForFinishedAsync(seed, job, JobBound, output);
        output.WriteLine($"job done in {clock.Elapsed.TotalSeconds:0.0} s; load {LoadAverage()}");
        var living = survivors.Concat(started).ToList();
        output.WriteLine($"seed, during the job: {(await HeartbeatIntervals.ReadAsync([seed])).Since(seedBefore)}");
        output.WriteLine($"living workers, during the job: {(await HeartbeatIntervals.ReadAsync(living)).Since(workersBefore)}");
        ReportWarnings(seed, living);
        SeedApi.AssertExact(done, Range);

        await SeedApi.WaitUntilAsync("every living node is up", StartBound, output, async () => await SeedApi.UpMembersAsync(seed) == living.Count + 1);
        Assert.All(living.Append(seed), node => Assert.DoesNotContain("Downed by the cluster", node.Output, StringComparison.Ordinal));
        var downed = DownedPattern().Matches(seed.Output).Select(m => m.Groups["address"].Value).ToHashSet();
        Assert.Subset(killed.Select(k => k.Address).ToHashSet(), downed);
    }

    public void Dispose() => _cluster.Dispose();

    private NodeProcess StartWorker(NodeProcess seed) => _cluster.Start(("CLUSTER_ROLES", "worker"), ("CLUSTER_SEEDS", seed.Address));

    /// <summary>The heartbeat intervals Akka warned of as growing too large (two thirds of acceptable-heartbeat-pause), start-up included.</summary>
    private void ReportWarnings(NodeProcess seed, IReadOnlyList<NodeProcess> workers)
    {
        foreach (var (name, nodes) in new[] { ("seed", new[] { seed }), ("living workers", workers.ToArray()) })
        {
            var warned = nodes.SelectMany(n => HeartbeatWarningPattern().Matches(n.Output)).Select(m => int.Parse(m.Groups["ms"].Value, CultureInfo.InvariantCulture)).Order().ToList();
            output.WriteLine(warned.Count == 0
                ? $"{name}: no heartbeat interval warned of"
                : $"{name}: {warned.Count} heartbeat intervals warned of, {warned[0]} to {warned[^1]} ms, median {warned[warned.Count / 2]} ms");
        }
    }

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Trim();

    [GeneratedRegex(@"growing too large for address \S+: (?<ms>\d+) millis")]
    private static partial Regex HeartbeatWarningPattern();

    [GeneratedRegex(@"(?<address>akka\.tcp://primecluster@[\d.]+:\d+) was downed")]
    private static partial Regex DownedPattern();
}
