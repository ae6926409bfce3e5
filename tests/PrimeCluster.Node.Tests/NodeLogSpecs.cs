using System.Text.RegularExpressions;
using PrimeCluster.Core;
using PrimeCluster.Testing;
using Xunit.Abstractions;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// What nodes log in a routine story, read as a person reads it: a seed and two workers, a job, one worker told to stop
/// mid-job (it hands back its batches and leaves), then every node stopped. One line per event, in one format, and
/// nothing that looks like a failure.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class NodeLogSpecs(ITestOutputHelper output) : IDisposable
{
    private readonly ProcessCluster _cluster = new(output, string.Empty);

    [Fact]
    public async Task A_worker_leaving_cleanly_mid_job_should_leave_no_error_and_no_stack_trace_in_the_seeds_log()
    {
        var (seed, workers) = await _cluster.StartSeedAndTwoWorkersAsync();
        var (leaving, staying) = (workers[0], workers[1]);
        var job = await SeedApi.SubmitAsync(seed, """{"from": 1, "til": 2000000}""");
        await _cluster.WaitUntilAsync("the leaving worker holds batches", async () => await SeedApi.BusyAsync(seed, leaving));

        leaving.Terminate();
        Assert.True(await leaving.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the leaving worker did not exit within 30 s");
        await _cluster.WaitUntilAsync("the seed says the worker left", () => Task.FromResult(seed.Output.Contains($"{leaving.Address} left the cluster", StringComparison.Ordinal)));
        SeedApi.AssertExact(await _cluster.WaitForFinishedAsync(seed, job), new NumberRange(1, 2_000_000));
        foreach (var node in new[] { staying, seed })
        {
            node.Terminate();
            Assert.True(await node.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"the node on port {node.ClusterPort} did not exit within 30 s");
        }

        var seedLog = Lines(seed);
        output.WriteLine($"--- the seed's log:\n{string.Join('\n', seedLog)}\n--- the leaving worker's log:\n{string.Join('\n', Lines(leaving))}");
        Assert.DoesNotContain(seedLog, l => l.Contains(" fail: ", StringComparison.Ordinal) || l.Contains(" crit: ", StringComparison.Ordinal));
        Assert.DoesNotContain(seedLog, l => StackFrame().IsMatch(l));
        Assert.DoesNotContain(seedLog, l => l.Contains("No seed-nodes configured", StringComparison.Ordinal));
        Assert.Single(seedLog, l => l.Contains("forming a new cluster", StringComparison.Ordinal));
        Assert.Single(seedLog, l => l.Contains($"{leaving.Address} left the cluster", StringComparison.Ordinal));
        var handedBack = HandedBack().Match(Assert.Single(Lines(leaving), l => HandedBack().IsMatch(l)));

        // A worker told to stop between two batches may hold none waiting; one that did says so to the seed too.
        if (handedBack.Groups[1].Value != "0")
        {
            Assert.Single(seedLog, l => l.Contains($"Job {job}: worker {leaving.Address}/user/worker-0 is leaving; batches it handed back: {handedBack.Groups[1].Value}", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(Lines(staying), l => l.Contains("Singleton identified", StringComparison.Ordinal));
        foreach (var node in new[] { seed, leaving, staying })
        {
            Assert.Equal(0, node.ExitCode);
            Assert.All(Lines(node), l => Assert.Matches(LineFormat(), l));
        }
    }

    public void Dispose() => _cluster.Dispose();

    private static string[] Lines(NodeProcess node) => node.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Time, level, category, message: what every line of a node's log looks like.</summary>
    [GeneratedRegex(@"^\d\d:\d\d:\d\d\.\d{3} (dbug|info|warn|fail|crit): \S+ \S")]
    private static partial Regex LineFormat();

    [GeneratedRegex(@"Leaving: waiting batches handed back: (\d+);")]
    private static partial Regex HandedBack();

    /// <summary>A frame of a stack trace, on a line of its own or run into one.</summary>
    [GeneratedRegex(@"\bat [\w.`<>+]+\(")]
    private static partial Regex StackFrame();
}
