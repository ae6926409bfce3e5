using System.Text.Json;
using PrimeCluster.Testing;

namespace PrimeCluster.Cli.Tests;

/// <summary>Waits for node processes that fixtures start, for a minute at most, and shows what they said if in vain.</summary>
internal static class NodeWait
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public static void Until(Func<bool> ready, params NodeProcess[] nodes)
    {
        var deadline = DateTimeOffset.UtcNow + Bound;
        while (!ready())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"The nodes were not ready within {Bound.TotalSeconds:0} s:\n{string.Join('\n', nodes.Select(n => n.Output))}");
            }

            Thread.Sleep(100);
        }
    }

    /// <summary>The seed's <c>/cluster</c> counts <paramref name="workers"/> worker actors.</summary>
    public static bool HasWorkers(NodeProcess seed, int workers)
    {
        try
        {
            using var cluster = JsonDocument.Parse(seed.Http.GetStringAsync("/cluster").GetAwaiter().GetResult());
            return cluster.RootElement.GetProperty("totals").GetProperty("workers").GetInt32() == workers;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>The node's <c>/healthz</c> says it is up: a member of the cluster, reaching a seed.</summary>
    public static bool IsUp(NodeProcess node) => Healthz(node) == true;

    /// <summary>The node's API answers <c>/healthz</c> at all: a worker that never joins answers 503.</summary>
    public static bool Answers(NodeProcess node) => Healthz(node) is not null;

    /// <summary>Whether <c>/healthz</c> answered 2xx; null when the node's API does not answer.</summary>
    private static bool? Healthz(NodeProcess node)
    {
        try
        {
            using var response = node.Http.GetAsync("/healthz").GetAwaiter().GetResult();
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
