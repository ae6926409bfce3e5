using System.Globalization;
using System.Text.Json;
using PrimeCluster.Cli.Commands;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Testing;

namespace PrimeCluster.Cli.Tests;

/// <summary>
/// The natively compiled client (<c>dotnet publish src/PrimeCluster.Cli -r RID -p:PublishAot=true</c>), run as a user
/// runs it: Akka.NET is not annotated for trimming, so nothing short of running it says that its actors, its JSON and
/// its TLS work compiled ahead of time. Alone in its collection: compiling it takes both cores for minutes.
/// </summary>
[Collection(NativeClientCollection.Name)]
public sealed class NativeClientSpecs(NativeClient client, HttpsNodeFixture node) : IClassFixture<HttpsNodeFixture>
{
    [Fact]
    public async Task Run_should_print_the_articles_table_for_a_small_range()
    {
        var run = await client.RunAsync("run", "10", "20");

        Assert.Equal(ExitCodes.Done, run.ExitCode);
        var row = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["10-20", "trial", $"{Environment.ProcessorCount}", "1", "4", "60"], row[..6]);
    }

    [Theory]
    [InlineData("trial", 1UL, 300_000UL)]
    [InlineData("sieve", 1_000_000UL, 30_000_000UL)]
    [InlineData("formula", 0UL, 10_000_000_000UL)]
    public async Task Run_should_count_exactly_on_its_actors(string algorithm, ulong from, ulong til)
    {
        var run = await client.RunAsync("run", $"{from}", $"{til}", "--algorithm", algorithm, "--workers", "2", "--json");

        Assert.True(run.ExitCode == ExitCodes.Done, run.Stderr);
        Assert.True(Names.TryParse(algorithm, out Algorithm parsed));
        var expected = PrimeKernels.For(parsed).Count(from, til);
        var result = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.Equal(expected.PrimeCount, result.GetProperty("prime_count").GetUInt64());
        Assert.Equal(expected.CheckCount.ToString(CultureInfo.InvariantCulture), result.GetProperty("check_count").GetRawText());
    }

    [Fact]
    public async Task Bad_usage_should_be_one_line_and_exit_code_2()
    {
        var run = await client.RunAsync("run", "20", "10");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Single(run.Stderr.TrimEnd().Split('\n'));
        Assert.StartsWith("primecluster: ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remote_commands_should_reach_an_https_seed_through_the_clusters_ca()
    {
        var environment = new Dictionary<string, string>
        {
            [RemoteOptions.UrlVariable] = $"https://localhost:{node.Node.Api.Port}",
            [RemoteOptions.CaVariable] = node.Certificates.AuthorityPath,
        };

        var submitted = await client.RunAsync(environment, "submit", "1", "100000", "--detach");
        var id = submitted.Stdout.Trim();
        var watched = await client.RunAsync(environment, "watch", id, "--json");
        var jobs = await client.RunAsync(environment, "jobs", "--json");
        var status = await client.RunAsync(environment, "status", "--json");

        Assert.True(submitted.ExitCode == ExitCodes.Done, submitted.Stderr);
        Assert.True(watched.ExitCode == ExitCodes.Done, watched.Stderr);
        var job = JsonDocument.Parse(watched.Stdout).RootElement;
        Assert.Equal("done", job.GetProperty("state").GetString());
        Assert.Equal(9592UL, job.GetProperty("prime_count").GetUInt64());
        Assert.Equal("455189150", job.GetProperty("check_count").GetRawText());
        Assert.Contains(id, JsonDocument.Parse(jobs.Stdout).RootElement.EnumerateArray().Select(j => j.GetProperty("id").GetString()));
        Assert.Equal(1, JsonDocument.Parse(status.Stdout).RootElement.GetProperty("totals").GetProperty("workers").GetInt32());
    }

    [Fact]
    public async Task Without_the_ca_the_native_client_should_refuse_the_seeds_certificate()
    {
        var run = await client.RunAsync(new Dictionary<string, string> { [RemoteOptions.UrlVariable] = $"https://localhost:{node.Node.Api.Port}" }, "status");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.StartsWith($"primecluster: https://localhost:{node.Node.Api.Port}/ refused: its certificate is not trusted here", run.Stderr, StringComparison.Ordinal);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeClientCollection : ICollectionFixture<NativeClient>
{
    public const string Name = "native client";
}

/// <summary>The client compiled natively once, into a folder of its own that is removed afterwards.</summary>
public sealed class NativeClient : IDisposable
{
    private static readonly TimeSpan PublishBound = TimeSpan.FromMinutes(20);

    private static readonly TimeSpan CommandBound = TimeSpan.FromMinutes(2);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"primecluster-native-{Guid.NewGuid():N}");

    public NativeClient()
    {
        var repository = Binaries.Repository ?? throw new InvalidOperationException("These specs run from a checkout of PrimeCluster: no PrimeCluster.sln above the tests.");
        Program = Path.Combine(_folder, "out", "primecluster");

        // Its own artifacts folder: the build of the solution these tests run from is left alone.
        var (exitCode, stdout, stderr) = DotnetProcess.RunProgramAsync(
            "dotnet",
            ["publish", Path.Combine(repository, "src", "PrimeCluster.Cli"), "-c", "Release", "--use-current-runtime", "-p:PublishAot=true",
                "--artifacts-path", Path.Combine(_folder, "artifacts"), "-o", Path.Combine(_folder, "out"),

                // No build servers left running after the tests.
                "-nodeReuse:false", "-p:UseSharedCompilation=false"],
            new Dictionary<string, string>(),
            PublishBound).GetAwaiter().GetResult();
        if (exitCode != 0 || !File.Exists(Program))
        {
            Dispose();
            throw new InvalidOperationException(
                $"Compiling the client natively failed (exit {exitCode}; it needs clang and zlib1g-dev):\n{string.Join('\n', stdout.Split('\n').TakeLast(30))}\n{stderr}");
        }
    }

    public string Program { get; }

    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        DotnetProcess.RunProgramAsync(Program, args, environment, CommandBound);

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
