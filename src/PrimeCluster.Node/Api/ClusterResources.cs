using Akka.Actor;
using Akka.Cluster;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Contracts;
using PrimeCluster.Core;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Node.Api;

/// <summary>The cluster as the API shows it: this node's view of the members, with the coordinator's of their workers.</summary>
internal static class ClusterResources
{
    /// <param name="state">The members as this node sees them: its read view (<see cref="Cluster.State"/>) when null.</param>
    public static ClusterResource From(ActorSystem system, IReadOnlyList<NodeActivity> activity, ThroughputSample? throughput = null, ClusterEvent.CurrentClusterState? state = null)
    {
        var cluster = Cluster.Get(system);
        state ??= cluster.State;

        // The coordinator is a cluster singleton: it runs on the oldest member with the seed role.
        var coordinator = state.Members.Where(m => m.Status == MemberStatus.Up && m.HasRole(ClusterConfig.SeedRole)).OrderBy(m => m, Member.AgeOrdering).FirstOrDefault();
        var members = state.Members
            .Select(m =>
            {
                var own = activity.FirstOrDefault(a => a.Node == m.Address);
                return new MemberResource(
                    m.Address.ToString(),
                    m.Roles.Order(StringComparer.Ordinal).ToList(),
                    Name(m.Status),
                    !state.Unreachable.Contains(m),
                    own?.Workers ?? 0,
                    own?.Busy ?? 0,
                    own?.Mismatches ?? 0,
                    own?.Excluded ?? 0,
                    Math.Round(throughput?.Nodes.FirstOrDefault(n => n.Node == m.Address)?.ChecksPerSecond ?? 0),
                    m.Equals(coordinator));
            })
            .ToList();

        // A worker counts while it can take batches: on a member up and reachable. One that stopped answering (killed,
        // paused, cut off) stays registered, and on its member's row, until the cluster has removed it.
        var counting = state.Members.Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp && !state.Unreachable.Contains(m)).Select(m => m.Address).ToHashSet();
        var workers = activity.Where(a => counting.Contains(a.Node)).ToList();
        var totals = new ClusterTotals(members.Count, workers.Sum(a => a.Workers), workers.Sum(a => a.Busy));
        return new ClusterResource(cluster.SelfAddress.ToString(), state.Leader?.ToString(), members, totals);
    }

    public static ThroughputResource From(ThroughputSample sample) =>
        new(
            sample.At,
            sample.Nodes.ToDictionary(n => n.Node.ToString(), n => Math.Round(n.ChecksPerSecond)),
            sample.Algorithms
                .GroupBy(a => Names.Of(a.Algorithm))
                .ToDictionary(g => g.Key, IReadOnlyDictionary<string, double> (g) => g.ToDictionary(a => a.Node.ToString(), a => Math.Round(a.PerSecond))));

    public static string Name(MemberStatus status) => status.ToString().ToLowerInvariant();
}
