using PrimeCluster.Testing;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// primecluster-node as it was at <see cref="OldestReadableCommit"/>, built once per test run from this repository's
/// history in a git worktree under the temporary folder, and removed with it afterwards.
/// </summary>
public sealed class EarlierBuild : IAsyncLifetime
{
    /// <summary>
    /// The oldest commit whose nodes this build promises to share a cluster with, and whose stored checkpoints it
    /// promises to read: the first with the protobuf schema (Serialization/protocol.proto). Moved forward only by a
    /// change that breaks that promise, which README's compatibility section then states.
    /// </summary>
    public const string OldestReadableCommit = "0407add9b4b7a91d209dda9ae8ebe78c9327474e";

    private static readonly TimeSpan BuildBound = TimeSpan.FromMinutes(10);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"primecluster-earlier-{Guid.NewGuid():N}");
    private string? _repository;
    private string? _node;
    private string _failure = "the earlier build was not made";

    /// <summary>The earlier build's primecluster-node.dll; why there is none, as the spec's failure, otherwise.</summary>
    public string Node => _node ?? throw new InvalidOperationException(_failure);

    private string Worktree => Path.Combine(_folder, "source");

    public async Task InitializeAsync()
    {
        _repository = RepositoryRoot();
        if (_repository is null)
        {
            _failure = $"no PrimeCluster.sln above {AppContext.BaseDirectory}: the earlier build is made from the repository's history";
            return;
        }

        var found = await Git("cat-file", "-e", $"{OldestReadableCommit}^{{commit}}");
        if (found.ExitCode != 0)
        {
            var shallow = await Git("rev-parse", "--is-shallow-repository");
            _failure = shallow.Stdout.Trim() == "true"
                ? $"this clone is shallow and lacks commit {OldestReadableCommit}, the earlier build the rolling upgrade starts from: fetch the whole history (git fetch --unshallow)"
                : $"commit {OldestReadableCommit}, the earlier build the rolling upgrade starts from, is not in the repository at {_repository}: {found.Stderr.Trim()}";
            return;
        }

        Directory.CreateDirectory(_folder);
        var added = await Git("worktree", "add", "--detach", Worktree, OldestReadableCommit);
        if (added.ExitCode != 0)
        {
            _failure = $"git worktree add of {OldestReadableCommit} failed: {added.Stderr.Trim()}";
            return;
        }

        // Warnings of a newer SDK's analyzers must not stop an old build; the build servers must not outlive it.
        var build = await DotnetProcess.RunProgramAsync(
            "dotnet",
            ["build", Path.Combine(Worktree, "src", "PrimeCluster.Node"), "-c", "Release", "--disable-build-servers", "-p:TreatWarningsAsErrors=false", "-v", "quiet", "-nologo"],
            new Dictionary<string, string>(),
            BuildBound);
        var node = Path.Combine(Worktree, "src", "PrimeCluster.Node", "bin", "Release", "net10.0", "primecluster-node.dll");
        if (build.ExitCode != 0 || !File.Exists(node))
        {
            _failure = $"dotnet build of src/PrimeCluster.Node at {OldestReadableCommit} failed ({build.ExitCode}):\n{build.Stdout}\n{build.Stderr}";
            return;
        }

        _node = node;
    }

    public async Task DisposeAsync()
    {
        if (_repository is not null && Directory.Exists(Worktree))
        {
            await Git("worktree", "remove", "--force", Worktree);
        }

        if (_repository is not null)
        {
            await Git("worktree", "prune");
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> Git(params string[] args) =>
        DotnetProcess.RunProgramAsync("git", ["-C", _repository!, .. args], new Dictionary<string, string>(), TimeSpan.FromMinutes(1));

    private static string? RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "PrimeCluster.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName;
    }
}
