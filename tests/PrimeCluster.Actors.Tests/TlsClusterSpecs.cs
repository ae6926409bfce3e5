using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Testing;

namespace PrimeCluster.Actors.Tests;

/// <summary>Nodes with mutual TLS on the cluster transport, in this process, started as every node is.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TlsClusterSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private readonly List<InProcessNode> _nodes = [];

    [Fact]
    public async Task A_cluster_with_tls_should_form_and_count_exactly()
    {
        var seed = Start("seed", _certificates.Node);
        Start("worker", _certificates.Worker, seed);
        Start("worker", _certificates.Roleless, seed);
        await Until.WorkersAsync(seed, 2);
        var range = new NumberRange(1, 300_000);

        var outcome = await new ClusterJobRunner(seed.Client, seed.System, 2).RunAsync(new JobSpec(range, Batches: 24)).WaitAsync(Bound);

        Assert.Equal("akka.ssl.tcp", seed.Address.Protocol);
        Assert.Equal(SieveKernel.Instance.Count(range.From, range.Til), outcome.Tally);
        Assert.Equal(2, outcome.Workers);
    }

    [Fact]
    public async Task A_node_whose_certificate_another_ca_signed_should_never_join_and_should_stop()
    {
        var seed = Start("seed,worker", _certificates.Node);
        await Until.TrueAsync(async () => (await seed.Client.WorkersAsync()).Count == 1);

        var intruder = Start("worker", _certificates.Foreign, seed, _certificates.ForeignAuthorityPath);

        // The intruder refuses the seed's certificate as the seed refuses its own: a failed handshake on a connection
        // it opened stops it (Akka.Remote's rule for a node whose TLS does not hold).
        await intruder.System.WhenTerminated.WaitAsync(Bound);
        Assert.DoesNotContain(Akka.Cluster.Cluster.Get(seed.System).State.Members, m => m.Address == intruder.Address);
        Assert.Single(await seed.Client.WorkersAsync());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in Enumerable.Reverse(_nodes))
        {
            await node.DisposeAsync();
        }

        _certificates.Dispose();
    }

    private InProcessNode Start(string roles, NodeCertificate certificate, InProcessNode? seed = null, string? authority = null)
    {
        var tls = new NodeSettings { TlsCert = certificate.CertPath, TlsKey = certificate.KeyPath, TlsCa = authority ?? _certificates.AuthorityPath };
        var node = InProcessNode.Start(TestConfig.NodeConfiguration(roles, workers: 1, seed?.Address.ToString(), tls));
        _nodes.Add(node);
        return node;
    }
}
