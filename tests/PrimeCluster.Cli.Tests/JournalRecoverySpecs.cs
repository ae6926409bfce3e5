using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using PrimeCluster.Cli.Commands;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Testing;
using Xunit.Abstractions;

namespace PrimeCluster.Cli.Tests;

/// <summary>
/// Seeds that keep the job journal on disk, as processes: every seed killed mid-job and started again on its data
/// directory brings the history back and finishes the running job exact; a journal that cannot be read stops the seed.
/// </summary>
public sealed partial class JournalRecoverySpecs(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private const long Til = 2_000_000;

    private readonly List<NodeProcess> _nodes = [];
    private readonly List<string> _cleanup = [];

    [Fact]
    public async Task A_running_job_should_resume_from_the_journal_and_end_exact_when_its_only_seed_is_killed_and_restarted()
    {
        var seed = Start(null, ("CLUSTER_ROLES", "seed,worker"), ("WORKERS", "1"));
        await RecoverAsync([seed], restart: () => [Start(seed, ("CLUSTER_ROLES", "seed,worker"), ("WORKERS", "1"))]);
    }

    [Fact]
    public async Task A_running_job_should_resume_from_the_journal_and_end_exact_when_all_three_seeds_are_killed_and_restarted()
    {
        var first = Start(null, ("CLUSTER_ROLES", "seed,worker"), ("WORKERS", "1"));
        (string, string)[] joining = [("CLUSTER_ROLES", "seed"), ("CLUSTER_SEEDS", first.Address)];
        NodeProcess[] seeds = [first, Start(null, joining), Start(null, joining)];
        await Until("three seeds up", async () => await UpMembersAsync(first) == 3);

        await RecoverAsync(seeds, restart: () =>
        [
            Start(seeds[0], ("CLUSTER_ROLES", "seed,worker"), ("WORKERS", "1")),
            Start(seeds[1], joining),
            Start(seeds[2], joining),
        ]);
    }

    [Fact]
    public async Task A_journal_that_is_not_a_database_should_stop_the_seed_with_one_line_naming_the_file()
    {
        var dataDir = DataDir();
        var file = Path.Combine(dataDir, "journal.db");
        File.WriteAllBytes(file, Enumerable.Range(0, 64 * 1024).Select(i => (byte)(i * 7919 >> 3)).ToArray());

        var (exitCode, _, stderr) = await NodeProcess.RunToExitAsync(Settings(dataDir));

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"primecluster-node: DATA_DIR: the job journal {file} is damaged: ", line, StringComparison.Ordinal);
        Assert.Contains($"Move {dataDir} away", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_journal_record_that_does_not_parse_should_stop_the_seed_with_one_line_naming_the_file()
    {
        var dataDir = DataDir();
        var file = Path.Combine(dataDir, "journal.db");
        using (var journal = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            journal.Open();
            using var write = journal.CreateCommand();
            write.CommandText = """
                CREATE TABLE entries (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
                INSERT INTO entries VALUES ('primecluster-jobs-3', randomblob(300));
                """;
            write.ExecuteNonQuery();
        }

        var (exitCode, stdout, stderr) = await NodeProcess.RunToExitAsync(Settings(dataDir));

        output.WriteLine(stdout);
        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"primecluster-node: the job journal {file} could not be read", line, StringComparison.Ordinal);
        Assert.Contains($"Move {dataDir} away", line, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            if (!node.HasExited || node.ExitCode != 0)
            {
                output.WriteLine(node.Report);
            }

            node.Dispose();
        }

        foreach (var dataDir in _cleanup.Where(Directory.Exists))
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>
    /// A finished job, then a long one killed with every seed mid-way; the seeds started again on their data
    /// directories must list both, and the long one must resume from its checkpoint, not from nothing, and end exact.
    /// </summary>
    private async Task RecoverAsync(NodeProcess[] seeds, Func<NodeProcess[]> restart)
    {
        var seed = seeds[0];
        await Until("the seed's worker registered", async () => await WorkersAsync(seed) >= 1);
        var finished = await SubmitAsync(seed, 1, 300_000);
        AssertExact(await WaitForFinishedAsync(seed, finished), 1, 300_000);
        var running = await SubmitAsync(seed, 1, Til);
        await Until("a tenth of the long job done", async () => (await JobAsync(seed, running)).GetProperty("progress").GetProperty("fraction").GetDouble() >= 0.1);

        foreach (var lost in seeds)
        {
            lost.KillHard();
        }

        var started = DateTimeOffset.UtcNow;
        var again = restart();
        var resumed = await Until("the long job is running again", async () => (await JobAsync(again[0], running)).GetProperty("state").GetString() == "running");
        var line = ResumedLine().Match(again[0].Output);
        Assert.True(line.Success, "the restarted seed does not say it resumed the job");
        var (done, total) = (int.Parse(line.Groups["done"].Value, CultureInfo.InvariantCulture), int.Parse(line.Groups["total"].Value, CultureInfo.InvariantCulture));
        Assert.InRange(done, 1, total - 1);
        await Until("a batch beyond the checkpoint counted", async () => (await JobAsync(again[0], running)).GetProperty("progress").GetProperty("batches_done").GetInt32() > done);
        output.WriteLine($"resumed at {done} of {total} batches; running again {resumed.TotalSeconds:0.0} s and a batch counted {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s after the restart");

        AssertExact(await WaitForFinishedAsync(again[0], running), 1, Til);
        var jobs = await CliRun.InvokeAsync(new Dictionary<string, string> { [RemoteOptions.UrlVariable] = again[0].Api.ToString() }, "jobs", "--json");
        Assert.Equal(ExitCodes.Done, jobs.ExitCode);
        var listed = JsonDocument.Parse(jobs.Out).RootElement.EnumerateArray().ToDictionary(j => j.GetProperty("id").GetString()!, j => j.GetProperty("state").GetString());
        Assert.Equal("done", listed[finished]);
        Assert.Equal("done", listed[running]);
    }

    private NodeProcess Start(NodeProcess? restartOf, params (string Name, string Value)[] environment)
    {
        var node = NodeProcess.Start(environment.ToDictionary(e => e.Name, e => e.Value), restartOf: restartOf);
        _nodes.Add(node);
        return node;
    }

    /// <summary>A data directory of its own, deleted with the nodes' (the node run to its exit does not own it).</summary>
    private string DataDir()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"primecluster-data-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDir);
        _cleanup.Add(dataDir);
        return dataDir;
    }

    private static Dictionary<string, string> Settings(string dataDir) => new()
    {
        ["DATA_DIR"] = dataDir,
        ["CLUSTER_PORT"] = "0",
        ["API_URL"] = "http://127.0.0.1:0",
    };

    private static async Task<string> SubmitAsync(NodeProcess seed, long from, long til)
    {
        var response = await seed.Http.PostAsync("/jobs", new StringContent($$"""{"from": {{from}}, "til": {{til}}}""", System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> JobAsync(NodeProcess seed, string id) => JsonDocument.Parse(await seed.Http.GetStringAsync($"/jobs/{id}")).RootElement;

    private static async Task<int> WorkersAsync(NodeProcess seed) =>
        JsonDocument.Parse(await seed.Http.GetStringAsync("/cluster")).RootElement.GetProperty("totals").GetProperty("workers").GetInt32();

    private static async Task<int> UpMembersAsync(NodeProcess seed) =>
        JsonDocument.Parse(await seed.Http.GetStringAsync("/cluster")).RootElement.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "up");

    private static void AssertExact(JsonElement job, long from, long til)
    {
        var expected = SieveKernel.Instance.Count((ulong)from, (ulong)til);
        Assert.Equal("done", job.GetProperty("state").GetString());
        Assert.Equal(expected.PrimeCount.ToString(CultureInfo.InvariantCulture), job.GetProperty("prime_count").GetRawText());
        Assert.Equal(expected.CheckCount.ToString(), job.GetProperty("check_count").GetRawText());
    }

    private async Task<JsonElement> WaitForFinishedAsync(NodeProcess seed, string id)
    {
        JsonElement job = default;
        await Until($"job {id} finishes", async () =>
        {
            job = await JobAsync(seed, id);
            return job.GetProperty("state").GetString() is "done" or "cancelled" or "failed";
        });
        return job;
    }

    /// <summary>Polls every 100 ms for at most <see cref="Bound"/>; a node not answering yet counts as not yet.</summary>
    private async Task<TimeSpan> Until(string what, Func<Task<bool>> condition)
    {
        var started = DateTimeOffset.UtcNow;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    var took = DateTimeOffset.UtcNow - started;
                    output.WriteLine($"{what} after {took.TotalSeconds:0.0} s");
                    return took;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or KeyNotFoundException or InvalidOperationException)
            {
                // Not answering yet, or not that job yet.
            }

            Assert.True(DateTimeOffset.UtcNow - started < Bound, $"{what}: not within {Bound.TotalSeconds:0} s");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"resumed from its checkpoint: (?<done>\d+) of (?<total>\d+) batches done")]
    private static partial Regex ResumedLine();
}
