using System.Text.Json;
using PrimeCluster.Testing;
using Xunit.Abstractions;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// Node processes on loopback as a user would run them, with a HOCON file laid over the built-in cluster.hocon; what
/// they said is shown when a spec fails. Every wait is bounded by <see cref="Bound"/>.
/// </summary>
public sealed class ProcessCluster(ITestOutputHelper output, string hocon) : IDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private readonly List<NodeProcess> _nodes = [];
    private readonly string _config = WriteConfig(hocon);

    public NodeProcess Start(params (string Name, string Value)[] environment) => Start(null, environment);

    /// <summary>Starts a node; given <paramref name="restartOf"/>, at that node's ports.</summary>
    public NodeProcess Start(NodeProcess? restartOf, params (string Name, string Value)[] environment) => StartBuild(null, restartOf, environment);

    /// <summary>Starts a node at a cluster port the caller chose (<see cref="NodeProcess.FreePort"/>), with an API port of its own.</summary>
    public NodeProcess StartAt(int clusterPort, params (string Name, string Value)[] environment) => StartBuild(null, null, environment, clusterPort);

    /// <summary>Starts a node of the build whose primecluster-node.dll is <paramref name="assembly"/>; this build's when null.</summary>
    public NodeProcess StartBuild(string? assembly, NodeProcess? restartOf, params (string Name, string Value)[] environment) =>
        StartBuild(assembly, restartOf, environment, null);

    private NodeProcess StartBuild(string? assembly, NodeProcess? restartOf, (string Name, string Value)[] environment, int? clusterPort)
    {
        var variables = environment.ToDictionary(e => e.Name, e => e.Value);
        variables["CLUSTER_CONFIG"] = _config;
        var node = NodeProcess.Start(variables, restartOf: restartOf, assembly: assembly, clusterPort: clusterPort);
        _nodes.Add(node);
        return node;
    }

    /// <summary>A seed and two workers of one worker actor each, returned once both are registered and all three up.</summary>
    public async Task<(NodeProcess Seed, NodeProcess[] Workers)> StartSeedAndTwoWorkersAsync()
    {
        var seed = Start(("CLUSTER_ROLES", "seed"));
        NodeProcess[] workers =
        [
            Start(("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), ("CLUSTER_SEEDS", seed.Address)),
            Start(("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), ("CLUSTER_SEEDS", seed.Address)),
        ];
        await WaitUntilAsync("two workers registered", async () => await SeedApi.WorkersAsync(seed) == 2);
        await WaitUntilAsync("all three nodes are up", async () => await SeedApi.UpMembersAsync(seed) == 3);
        return (seed, workers);
    }

    public Task<JsonElement> WaitForFinishedAsync(NodeProcess seed, string id) => SeedApi.WaitForFinishedAsync(seed, id, Bound, output);

    public Task<TimeSpan> WaitUntilAsync(string what, Func<Task<bool>> condition) => SeedApi.WaitUntilAsync(what, Bound, output, condition);

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

        File.Delete(_config);
    }

    private static string WriteConfig(string hocon)
    {
        var path = Path.Combine(Path.GetTempPath(), $"primecluster-test-{Guid.NewGuid():N}.hocon");
        File.WriteAllText(path, hocon);
        return path;
    }
}
