using System.Runtime.Serialization;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Actors.Security;
using PrimeCluster.Actors.Serialization;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Testing;
using static PrimeCluster.Actors.Messages.JobProtocol;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Actors.Tests;

/// <summary>
/// The seal on requests of the client protocol between nodes, through the serializer as the transport uses it: what a
/// seed sends is read as it was sent, by this build and by one without seals; what a worker's certificate, another CA's
/// or a changed byte brings is refused with its reason; the workers' messages carry no seal.
/// </summary>
public sealed class ClientRequestSealSpecs() : TestKit(TestConfig.Node("seed"))
{
    private readonly TestCertificates _certificates = TestCertificates.Create();

    private static readonly SubmitJob Submit = new(new JobSpec(new NumberRange(1, 3_000_000_000), Batches: 100_000_000), AcceptCost: true);

    [Fact]
    public void A_request_sealed_by_a_seed_should_be_read_as_sent_here_and_by_a_build_without_seals()
    {
        var bytes = Serializer(_certificates.Node).ToBinary(Submit);

        Assert.Equal(Submit, Serializer(_certificates.Worker).FromBinary(bytes, "SJ"));
        Assert.Equal(Submit, Serializer(seal: false).FromBinary(bytes, "SJ"));
        Assert.True(bytes.Length > Serializer(seal: false).ToBinary(Submit).Length + 64);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "no seal", "it carries no seed's seal (its sender's certificate is no seed's, or it was sent by a build without seals)" },
        { "a worker's seal", "its seal's certificate is a worker's, not a seed's" },
        { "a seal made before roles", "its seal's certificate is a worker's, not a seed's" },
        { "another CA's seed", "its seal's certificate is no member's: it is not signed by the cluster's CA" },
        { "an expired seed", "its seal's certificate is no member's: it expired on " },
        { "a changed byte", "its seal's signature does not verify" },
        { "another request's seal", "its seal's signature does not verify" },
        { "fields after its seal", "it carries fields after its seal" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_request_should_be_refused_without_a_seeds_seal(string what, string reason)
    {
        var receiver = Serializer(_certificates.Node);
        var (bytes, manifest) = what switch
        {
            "no seal" => (Serializer(seal: false).ToBinary(Submit), "SJ"),
            "a worker's seal" => (SealedBy(_certificates.Worker).ToBinary(Submit), "SJ"),
            "a seal made before roles" => (SealedBy(_certificates.Roleless).ToBinary(Submit), "SJ"),
            "another CA's seed" => (SealedBy(_certificates.Foreign).ToBinary(Submit), "SJ"),
            "an expired seed" => (SealedBy(_certificates.Expired).ToBinary(Submit), "SJ"),
            "a changed byte" => (Changed(Serializer(_certificates.Node).ToBinary(new CancelJob(new JobId("abcdef")))), "CJ"),

            // GetJob and CancelJob have the same fields: a seal is bound to its manifest too.
            "another request's seal" => (Serializer(_certificates.Node).ToBinary(new GetJob(new JobId("abc"))), "CJ"),
            _ => ([.. Serializer(_certificates.Node).ToBinary(Submit), .. Serializer(seal: false).ToBinary(Submit)], "SJ"),
        };

        var refused = Assert.Throws<SerializationException>(() => receiver.FromBinary(bytes, manifest));

        Assert.StartsWith($"a '{manifest}' request of the client protocol refused: {reason}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_workers_messages_should_carry_no_seal_and_need_none()
    {
        var request = new RequestWork(TestActor, 2, 0);

        var bytes = Serializer(_certificates.Node).ToBinary(request);

        Assert.Equal(Serializer(seal: false).ToBinary(request), bytes);
        Assert.Equal(request, Serializer(_certificates.Worker).FromBinary(bytes, "RW"));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _certificates.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>A node's serializer: sealing with its certificate if it is a seed's, checking against the cluster's CA.</summary>
    private ProtocolSerializer Serializer(NodeCertificate node) =>
        new((ExtendedActorSystem)Sys, ClientRequestSeal.For(new ClusterTls(node.Certificate, new ClusterAuthority(_certificates.Authority))));

    private ProtocolSerializer Serializer(bool seal) => seal ? Serializer(_certificates.Node) : new((ExtendedActorSystem)Sys);

    /// <summary>A modified build that seals with whatever certificate it holds.</summary>
    private ProtocolSerializer SealedBy(NodeCertificate node) =>
        new((ExtendedActorSystem)Sys, new ClientRequestSeal(new ClusterAuthority(_certificates.Authority), node.Certificate));

    /// <summary>The job id "abcdef" made "bbcdef": the same form, another job.</summary>
    private static byte[] Changed(byte[] bytes)
    {
        var changed = bytes.ToArray();
        changed[changed.AsSpan().IndexOf("abcdef"u8)] = (byte)'b';
        return changed;
    }
}
