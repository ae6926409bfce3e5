using System.Net;
using System.Security.Authentication;
using Akka.Event;
using Akka.TestKit.Xunit2;
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
    public async Task Other_events_should_pass_untouched()
    {
        var handler = Akka.Event.Logging.GetLogger(Sys, typeof(TcpServerHandler));

        handler.Error(new InvalidOperationException("boom"), "Error caught channel [{0}->{1}](Id={2})", Local, Peer, "1");
        var unrelatedError = await CondenseAsync();
        Akka.Event.Logging.GetLogger(Sys, typeof(ClusterCertificateCheck)).Warning("Cluster Node [{0}] - something else", "x");
        var other = await CondenseAsync();

        Assert.Equal((false, null), unrelatedError);
        Assert.Equal((false, null), other);
    }

    private async Task<(bool Condensed, string? Line)> CondenseAsync()
    {
        var e = await ExpectMsgAsync<LogEvent>();
        var condensed = _refusals.TryCondense(e, out var line);
        return (condensed, line);
    }

    /// <summary>Stands for the class that checks peers' certificates.</summary>
    private sealed class ClusterCertificateCheck;

    /// <summary>Stands for Akka.Remote's DotNetty server handler, which logs failed handshakes.</summary>
    private sealed class TcpServerHandler;

    /// <summary>Stands for Akka.Remote's DotNetty transport over TCP, which logs a client that presented no certificate.</summary>
    private sealed class TcpTransport;
}
