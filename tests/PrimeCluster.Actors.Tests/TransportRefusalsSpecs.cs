using System.Net;
using System.Security.Authentication;
using Akka.Event;
using Akka.TestKit.Xunit2;
using Akka.Remote.Transport;
using DotNetty.Codecs;
using DotNetty.Handlers.Tls;
using PrimeCluster.Actors.Logging;

namespace PrimeCluster.Actors.Tests;

/// <summary>
/// What Akka.Remote and DotNetty log about refused connections, as the loggers receive it, condensed to one line per
/// peer and reason. The events are logged under the names of the Akka classes that log them (stand-ins below).
/// </summary>
public sealed class TransportRefusalsSpecs : TestKit
{
    private static readonly IPEndPoint Local = new(IPAddress.Parse("::ffff:127.0.0.1"), 4053);
    private static readonly IPEndPoint Peer = new(IPAddress.Parse("::ffff:10.1.2.3"), 50123);
    private static readonly IPEndPoint SamePeerLater = new(IPAddress.Parse("10.1.2.3"), 50777);

    private DateTime _now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly TransportRefusals _refusals;

    public TransportRefusalsSpecs()
    {
        _refusals = new TransportRefusals(() => _now);
        Sys.EventStream.Subscribe(TestActor, typeof(LogEvent));
    }

    [Fact]
    public async Task A_peer_refused_again_for_the_same_reason_should_not_be_logged_again_within_the_hour()
    {
        var log = Akka.Event.Logging.GetLogger(Sys, typeof(ClusterCertificateCheck));

        log.Warning(TransportRefusals.RefusedFrom, "10.1.2.3", "its certificate is not signed by the cluster's CA");
        var first = await CondenseAsync();
        log.Warning(TransportRefusals.RefusedFrom, "10.1.2.3", "its certificate is not signed by the cluster's CA");
        var again = await CondenseAsync();
        log.Warning(TransportRefusals.RefusedFrom, "10.1.2.3", "it presented no certificate");
        var otherReason = await CondenseAsync();
        log.Warning(TransportRefusals.RefusedFrom, "10.9.9.9", "its certificate is not signed by the cluster's CA");
        var otherPeer = await CondenseAsync();
        _now = _now.AddMinutes(61);
        log.Warning(TransportRefusals.RefusedFrom, "10.1.2.3", "its certificate is not signed by the cluster's CA");
        var later = await CondenseAsync();

        Assert.Equal((true, "refused a cluster connection from 10.1.2.3: its certificate is not signed by the cluster's CA"), first);
        Assert.Equal((true, null), again);
        Assert.Equal((true, "refused a cluster connection from 10.1.2.3: it presented no certificate"), otherReason);
        Assert.Equal((true, "refused a cluster connection from 10.9.9.9: its certificate is not signed by the cluster's CA"), otherPeer);
        Assert.Equal((true, "refused a cluster connection from 10.1.2.3: its certificate is not signed by the cluster's CA (1 more since 12:00 UTC)"), later);
    }

    [Fact]
    public async Task A_failed_handshake_should_come_down_to_one_line_naming_the_peer_without_its_port()
    {
        var handler = Akka.Event.Logging.GetLogger(Sys, typeof(TcpServerHandler));
        var garbage = new NotSslRecordException("not an SSL/TLS record: 7e6bd967");

        handler.Error(garbage, "Error caught channel [{0}->{1}](Id={2})", Local, Peer, "3425f269");
        var caught = await CondenseAsync();
        handler.Error(garbage, "TLS handshake failed on channel [{0}->{1}](Id={2})\n{3}", Local, SamePeerLater, "3425f26a", "TLS/SSL handshake failed ...");
        var failed = await CondenseAsync();
        handler.Warning("Rejected incoming connection from [{0}] due to TLS handshake failure. This is likely invalid or malicious traffic.", Peer);
        var rejected = await CondenseAsync();

        Assert.Equal((true, "refused a cluster connection from 10.1.2.3: it does not speak TLS"), caught);
        Assert.Equal((true, null), failed);
        Assert.Equal((true, null), rejected);
    }

    [Fact]
    public async Task A_handshake_the_certificate_check_refused_should_leave_the_explaining_to_it()
    {
        var handler = Akka.Event.Logging.GetLogger(Sys, typeof(TcpServerHandler));
        var refused = new AggregateException(new AuthenticationException("The remote certificate was rejected by the provided RemoteCertificateValidationCallback."));

        handler.Error(refused, "TLS handshake failed on channel [{0}->{1}](Id={2})\n{3}", Local, Peer, "1", "...");

        Assert.Equal((true, null), await CondenseAsync());
    }

    [Fact]
    public async Task A_peer_without_a_certificate_should_be_named_as_such()
    {
        var transport = Akka.Event.Logging.GetLogger(Sys, typeof(TcpTransport));

        transport.Warning("Mutual TLS required but client did not provide a certificate from {0}", Peer.ToString());

        Assert.Equal((true, "refused a cluster connection from 10.1.2.3: it presented no certificate"), await CondenseAsync());
    }

    [Fact]
    public async Task Frames_that_break_the_transports_framing_should_come_down_to_one_line_a_peer()
    {
        var handler = Akka.Event.Logging.GetLogger(Sys, typeof(TcpServerHandler));

        handler.Error(new CorruptedFrameException("negative pre-adjustment length field: -939524096"), "Error caught channel [{0}->{1}](Id={2})", Local, Peer, "1");
        var corrupted = await CondenseAsync();
        handler.Error(new TooLongFrameException("Adjusted frame length exceeds 128000: 203246074 - discarded"), "Error caught channel [{0}->{1}](Id={2})", Local, SamePeerLater, "1");
        var tooLong = await CondenseAsync();

        Assert.Equal((true, "refused a cluster connection from 10.1.2.3: it sent frames that break the transport's framing"), corrupted);
        Assert.Equal((true, null), tooLong);
    }

    [Fact]
    public async Task A_socket_that_never_finishes_its_handshake_should_come_down_to_one_line_a_peer()
    {
        ILoggingAdapter Connection(int port) => Logger(
            $"akka.ssl.tcp://primecluster@127.0.0.1:4053/system/transports/akkaprotocolmanager.ssl.tcp.0/akkaProtocol-ssl.tcp%3A%2F%2Fprimecluster%4010.1.2.3%3A{port}-{port}",
            typeof(ProtocolStateActor));

        Connection(50123).Error("No response from remote for inbound association. Handshake timed out after [15000] ms");
        var first = await CondenseAsync();
        Connection(50124).Error("No response from remote for inbound association. Handshake timed out after [15000] ms");
        var again = await CondenseAsync();

        Assert.Equal((true, "refused a cluster connection from 10.1.2.3: it did not finish its handshake within 15 s"), first);
        Assert.Equal((true, null), again);
    }

    [Fact]
    public async Task A_connection_this_node_made_that_times_out_or_fails_later_should_come_down_to_one_line_a_peer_each()
    {
        var connection = Logger(
            "akka.ssl.tcp://primecluster@127.0.0.1:4053/system/transports/akkaprotocolmanager.ssl.tcp.0/akkaProtocol-ssl.tcp%3A%2F%2Fprimecluster%4010.1.2.3%3A4053-1",
            typeof(ProtocolStateActor));

        connection.Error("No response from remote for outbound association. Handshake timed out after [15000] ms");
        var outbound = await CondenseAsync();
        connection.Error("No response from remote. Handshake timed out or transport failure detector triggered. (internal state was Open)");
        var later = await CondenseAsync();
        connection.Error("No response from remote. Handshake timed out or transport failure detector triggered. (internal state was Open)");
        var again = await CondenseAsync();

        Assert.Equal((true, "refused a cluster connection to 10.1.2.3: it did not finish its handshake within 15 s"), outbound);
        Assert.Equal((true, "lost a cluster connection with 10.1.2.3: No response from remote. Handshake timed out or transport failure detector triggered. (internal state was Open)"), later);
        Assert.Equal((true, null), again);
    }

    [Fact]
    public async Task Frames_that_are_no_messages_of_akkas_protocol_should_come_down_to_one_line_a_peer()
    {
        ILoggingAdapter Supervisor(int port) => Logger(
            $"akka.ssl.tcp://primecluster@127.0.0.1:4053/system/transports/akkaprotocolmanager.ssl.tcp.0/akkaProtocol-ssl.tcp%3A%2F%2Fprimecluster%40%5B%3A%3Affff%3A10.1.2.3%5D%3A{port}-3",
            typeof(OneForOneStrategy));
        var undecodable = new AkkaProtocolException("Error while decoding incoming Akka PDU of length 200", new InvalidOperationException("Decoding PDU failed"));

        Supervisor(50123).Error(undecodable, "Error while decoding incoming Akka PDU of length 200");
        var first = await CondenseAsync();
        Supervisor(50124).Error(undecodable, "Error while decoding incoming Akka PDU of length 200");
        var again = await CondenseAsync();

        Assert.Equal((true, "refused a cluster connection from 10.1.2.3: it sent frames that are no messages of Akka's protocol"), first);
        Assert.Equal((true, null), again);
    }

    [Fact]
    public async Task Messages_that_cannot_be_read_should_come_down_to_one_line_a_peer_and_kind()
    {
        var reader = Logger(
            "akka://primecluster/system/endpointManager/reliableEndpointWriter-akka.ssl.tcp%3A%2F%2Fprimecluster%4010.1.2.3%3A4055-1/endpointWriter/endpointReader-akka.ssl.tcp%3A%2F%2Fprimecluster%4010.1.2.3%3A4055-1",
            typeof(EndpointReader));
        const string Format = "Deserialization failed for message with serializer id [{0}] and manifest [{1}]. Transient association error (association remains live). {2}. {3}";

        reader.Warning(new System.Runtime.Serialization.SerializationException("a 'BC' message that cannot be read: 1025 results."), Format, 7927, "BC", "...", string.Empty);
        var first = await CondenseAsync();
        reader.Warning(new System.Runtime.Serialization.SerializationException("a 'BC' message that cannot be read: 4000 results."), Format, 7927, "BC", "...", string.Empty);
        var again = await CondenseAsync();
        reader.Warning(new System.Runtime.Serialization.SerializationException("a 'BF' message that cannot be read: an error of 5000 characters"), Format, 7927, "BF", "...", string.Empty);
        var otherKind = await CondenseAsync();

        Assert.Equal((true, "dropped a message from 10.1.2.3: a 'BC' message that cannot be read: 1025 results"), first);
        Assert.Equal((true, null), again);
        Assert.Equal((true, "dropped a message from 10.1.2.3: a 'BF' message that cannot be read: an error of 5000 characters"), otherKind);
    }

    [Fact]
    public async Task Other_events_should_pass_untouched()
    {
        Akka.Event.Logging.GetLogger(Sys, typeof(ClusterCertificateCheck)).Warning("Cluster Node [{0}] - something else", "x");
        var other = await CondenseAsync();
        Akka.Event.Logging.GetLogger(Sys, typeof(EndpointReader)).Warning("Something without an exception from [{0}]", "x");
        var noCause = await CondenseAsync();

        Assert.Equal((false, null), other);
        Assert.Equal((false, null), noCause);
    }

    private async Task<(bool Condensed, string? Line)> CondenseAsync()
    {
        var e = await ExpectMsgAsync<LogEvent>();
        var condensed = _refusals.TryCondense(e, out var line);
        return (condensed, line);
    }

    /// <summary>A logger as Akka.Remote's actors have one: the actor's path as the source, its class as the class.</summary>
    private ILoggingAdapter Logger(string source, Type logClass) => new BusLogging(Sys.EventStream, source, logClass, DefaultLogMessageFormatter.Instance);

    /// <summary>Stands for the class that checks peers' certificates.</summary>
    private sealed class ClusterCertificateCheck;

    /// <summary>Stands for Akka.Remote's DotNetty server handler, which logs failed handshakes.</summary>
    private sealed class TcpServerHandler;

    /// <summary>Stands for Akka.Remote's DotNetty transport over TCP, which logs a client that presented no certificate.</summary>
    private sealed class TcpTransport;

    /// <summary>Stands for Akka.Remote's actor of Akka's protocol over one connection, which logs a handshake that timed out.</summary>
    private sealed class ProtocolStateActor;

    /// <summary>Stands for the supervisor's strategy, which logs the error its child failed with.</summary>
    private sealed class OneForOneStrategy;

    /// <summary>Stands for Akka.Remote's reader of a connection, which logs a message it could not deserialize.</summary>
    private sealed class EndpointReader;
}
