using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Coordination;

namespace PrimeCluster.Node;

/// <summary>
/// What a node takes before it starts anything, and holds through every incarnation of its actor system: its cluster
/// port, its API port (checked free), and a seed's job journal. Whatever it cannot take stops it with a
/// <see cref="StartFailure"/> naming the setting and the cause, before it listens on a port or joins a cluster.
/// </summary>
internal sealed class NodeClaims : IDisposable
{
    private readonly PortClaim _clusterPort;

    private NodeClaims(PortClaim clusterPort, JournalStore? journal)
    {
        _clusterPort = clusterPort;
        Journal = journal;
    }

    /// <summary>A seed's job journal, open and locked; null on a node that keeps none on disk.</summary>
    public JournalStore? Journal { get; }

    public static NodeClaims Take(NodeConfiguration node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var clusterPort = PortClaim.Take("CLUSTER_PORT", node.BindHost, node.Port, hold: true);
        try
        {
            // Kestrel listens on the URL's address; on every interface for a host name other than localhost.
            var api = new Uri(node.ApiUrl);
            var apiHost = api.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || api.IsLoopback ? api.Host : "0.0.0.0";
            PortClaim.Take("API_URL", apiHost, api.Port, hold: false).Dispose();
            return new NodeClaims(clusterPort, OpenJournal(node.DataDir));
        }
        catch
        {
            clusterPort.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Journal?.Dispose();
        _clusterPort.Dispose();
    }

    private static JournalStore? OpenJournal(string? dataDir)
    {
        try
        {
            return dataDir is null ? null : JournalStore.Open(dataDir);
        }
        catch (JournalStoreException e)
        {
            throw new StartFailure("DATA_DIR", e.Message);
        }
    }
}
