using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using PrimeCluster.Cli.Commands;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Testing;

namespace PrimeCluster.Cli.Tests;

/// <summary>
/// The natively compiled client, as <c>dotnet pack</c> and <c>dotnet tool install</c> give it, run as a user runs it:
/// Akka.NET is not annotated for trimming, so nothing short of running it says that its actors, its JSON and its TLS
/// work compiled ahead of time. Alone in its collection: compiling it takes both cores for minutes.
/// </summary>
[Collection(NativeClientCollection.Name)]
public sealed class NativeClientSpecs(NativeClient client, HttpsNodeFixture node) : IClassFixture<HttpsNodeFixture>
{
    [Fact]
    public void The_installed_tool_should_be_the_natively_compiled_client_of_this_machines_runtime()
    {
        var installed = new FileInfo(client.Program).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? client.Program;

        Assert.Equal(new[] { "primecluster.0.1.0.nupkg", "primecluster.any.0.1.0.nupkg", $"primecluster.{RuntimeInformation.RuntimeIdentifier}.0.1.0.nupkg" }.Order(StringComparer.Ordinal), client.Packages);
        Assert.Contains($"{Path.DirectorySeparatorChar}primecluster.{RuntimeInformation.RuntimeIdentifier}{Path.DirectorySeparatorChar}", installed, StringComparison.Ordinal);

        // A native executable starts with ELF's magic; the apphost of a ReadyToRun client would sit beside primecluster.dll.
        Assert.Equal("\u007fELF"u8.ToArray(), File.ReadAllBytes(installed)[..4]);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(installed)!, "primecluster.dll")));
    }

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

/// <summary>
/// The client installed as the README says, once, into a folder of its own that is removed afterwards: dotnet pack, which
/// compiles the package for this machine's runtime natively, then dotnet tool install from the packages.
/// </summary>
public sealed class NativeClient : IDisposable
{
    private static readonly TimeSpan PackBound = TimeSpan.FromMinutes(30);

    private static readonly TimeSpan InstallBound = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan CommandBound = TimeSpan.FromMinutes(2);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"primecluster-native-{Guid.NewGuid():N}");

    public NativeClient()
    {
        var repository = Binaries.Repository ?? throw new InvalidOperationException("These specs run from a checkout of PrimeCluster: no PrimeCluster.sln above the tests.");
        var packages = Path.Combine(_folder, "packages");
        var tools = Path.Combine(_folder, "tools");
        Program = Path.Combine(tools, "primecluster");

        // Its own artifacts folder: the build of the solution these tests run from is left alone.
        Run("packing the client (it needs clang or gcc)", PackBound,
            "pack", Path.Combine(repository, "src", "PrimeCluster.Cli"), "-c", "Release", "-o", packages, "--artifacts-path", Path.Combine(_folder, "artifacts"),

            // No build servers left running after the tests.
            "-nodeReuse:false", "-p:UseSharedCompilation=false");
        Run("installing the tool", InstallBound, "tool", "install", "--tool-path", tools, "--source", packages, "primecluster");
        Packages = [.. Directory.GetFiles(packages, "*.nupkg").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
    }

    /// <summary>The installed command.</summary>
    public string Program { get; }

    /// <summary>The packages dotnet pack made, by file name.</summary>
    public IReadOnlyList<string> Packages { get; }

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

    private void Run(string what, TimeSpan bound, params string[] args)
    {
        var (exitCode, stdout, stderr) = DotnetProcess.RunProgramAsync("dotnet", args, new Dictionary<string, string>(), bound).GetAwaiter().GetResult();
        if (exitCode != 0)
        {
            Dispose();
            throw new InvalidOperationException($"{what} failed (exit {exitCode}):\n{string.Join('\n', stdout.Split('\n').TakeLast(30))}\n{stderr}");
        }
    }
}
