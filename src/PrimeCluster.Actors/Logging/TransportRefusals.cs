using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Akka.Event;

namespace PrimeCluster.Actors.Logging;

/// <summary>
/// Condenses what is logged about bad connections and messages on the cluster port into one short warning per peer
/// and reason. Akka.Remote logs, for every connection, a failed TLS handshake as an error with a stack trace and then a
/// warning, a socket that never finishes its handshake as an error, frames that are no Akka message as one or two
/// errors with stack traces, and each message it cannot deserialize as a warning with a stack trace, so a peer that
/// keeps trying would fill the log; here the first of a peer for a reason is one line, and the same again within the
/// hour only adds to a count that the next line after the hour gives. Each logger actor holds one.
/// </summary>
/// <remarks>
/// Events are told apart by the class that logged them and their level, and by the type of their exception; Akka's
/// wording only picks the words of the line, so that a message Akka rewords is still condensed.
/// </remarks>
public sealed partial class TransportRefusals
{
    /// <summary>What a node's certificate check logs when it refuses a peer that connected to it.</summary>
    public const string RefusedFrom = "refused a cluster connection from {0}: {1}";

    /// <summary>What it logs when it refuses the peer it connected to.</summary>
    public const string RefusedTo = "refused a cluster connection to {0}: {1}";

    /// <summary>A message from a peer that could not be read, and was dropped.</summary>
    public const string DroppedFrom = "dropped a message from {0}: {1}";

    /// <summary>An association with a peer that failed after it began.</summary>
    public const string LostWith = "lost a cluster connection with {0}: {1}";

    private const int MaxPeers = 4096;
    private static readonly TimeSpan Quiet = TimeSpan.FromHours(1);

    private readonly Dictionary<(string Peer, string Reason), (DateTime Logged, int Since)> _seen = [];
    private readonly Func<DateTime> _now;

    public TransportRefusals(Func<DateTime>? now = null)
    {
        _now = now ?? (() => DateTime.UtcNow);
    }

    /// <summary>
    /// Whether <paramref name="e"/> is about a refused cluster connection. If it is, <paramref name="line"/> is the one
    /// line to log in its place, or null when nothing should be logged.
    /// </summary>
    public bool TryCondense(LogEvent e, out string? line)
    {
        ArgumentNullException.ThrowIfNull(e);
        line = null;
        // A message logged without arguments comes as its text alone.
        var (format, parameters) = e.Message switch
        {
            LogMessage message => (message.Format, message.Parameters().ToArray()),
            string text => (text, []),
            _ => (null, Array.Empty<object>()),
        };
        if (format is null)
        {
            return false;
        }

        var source = e.LogClass?.Name;
        switch (format)
        {
            case RefusedFrom or RefusedTo when parameters.Length == 2:
                line = Once(format, Host(parameters[0]), Text(parameters[1]));
                return true;

            // Logged under the transport's own class, TcpTransport, a DotNettyTransport.
            case not null when source is ("TcpTransport" or "DotNettyTransport") && format.StartsWith("Mutual TLS required but client did not provide a certificate", StringComparison.Ordinal):
                line = Once(RefusedFrom, Host(parameters.FirstOrDefault()), "it presented no certificate");
                return true;

            // What a connection's channel caught: a TLS handshake that failed, frames that break the transport's
            // framing, a socket error. The peer is the channel's remote end.
            case not null when source is "TcpServerHandler" or "TcpClientHandler" && e.Cause is not null:
                // A certificate the check refused has been logged by it already, with its reason.
                if (!RejectedByCertificateCheck(e.Cause))
                {
                    var peer = Host(parameters.Length > 1 ? parameters[1] : null);
                    line = source == "TcpServerHandler"
                        ? Once(RefusedFrom, peer, Describe(e.Cause))
                        : Once(RefusedTo, peer, Describe(e.Cause));
                }

                return true;

            case not null when source == "TcpServerHandler" && format.StartsWith("Rejected incoming connection from", StringComparison.Ordinal):
                return true;

            // Akka's protocol over a connection: a socket that never finished its handshake (no cause), frames that are
            // no message of Akka's protocol (a supervisor's error with the protocol's exception). The peer is in the
            // name of the connection's actor.
            case not null when source == "ProtocolStateActor" && e.Cause is null && e is Error && PeerOf(e.LogSource) is { } peer:
                line = HandshakeTimedOut().Match(format) is { Success: true } timedOut
                    ? Once(
                        timedOut.Groups["direction"].Value == "inbound" ? RefusedFrom : RefusedTo,
                        peer,
                        $"it did not finish its handshake within {double.Parse(timedOut.Groups["ms"].Value, CultureInfo.InvariantCulture) / 1000:0.#} s")
                    : Once(LostWith, peer, Text(e.Message));
                return true;

            case not null when e is Error && IsProtocolError(e.Cause) && PeerOf(e.LogSource) is { } peer:
                line = Once(RefusedFrom, peer, "it sent frames that are no messages of Akka's protocol");
                return true;

            // A message whose payload could not be deserialized: a warning for each, with the exception.
            case not null when source == "EndpointReader" && e is Warning && e.Cause is not null && PeerOf(e.LogSource) is { } peer:
                line = Once(DroppedFrom, peer, e.Cause.Message.TrimEnd('.'), key: $"{Text(parameters.ElementAtOrDefault(0))}/{Text(parameters.ElementAtOrDefault(1))}");
                return true;

            default:
                return false;
        }
    }

    /// <param name="key">What tells reasons apart, when not their words: a reason whose details vary (a count, an offset) counts as one.</param>
    private string? Once(string format, string peer, string reason, string? key = null)
    {
        var at = _now();
        var seenKey = (peer, key ?? reason);
        if (_seen.TryGetValue(seenKey, out var seen) && at - seen.Logged < Quiet)
        {
            _seen[seenKey] = seen with { Since = seen.Since + 1 };
            return null;
        }

        if (_seen.Count >= MaxPeers)
        {
            _seen.Clear();
        }

        _seen[seenKey] = (at, 0);
        var text = string.Format(CultureInfo.InvariantCulture, format, peer, reason);
        return seen.Since > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{text} ({seen.Since} more since {seen.Logged:HH:mm} UTC)")
            : text;
    }

    /// <summary>Whether an error on a channel came from its TLS layer (DotNetty's TLS handler, or .NET's TLS stream).</summary>
    private static bool IsTls(Exception? cause)
    {
        for (var e = cause; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException || e.GetType().Namespace == "DotNetty.Handlers.Tls")
            {
                return true;
            }
        }

        return false;
    }

    private static bool RejectedByCertificateCheck(Exception? cause)
    {
        for (var e = cause; e is not null; e = e.InnerException)
        {
            if (e.Message.Contains("RemoteCertificateValidationCallback", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether an error is Akka's protocol refusing what a peer sent (a frame that does not decode).</summary>
    private static bool IsProtocolError(Exception? cause)
    {
        for (var e = cause; e is not null; e = e.InnerException)
        {
            if (e.GetType().FullName is "Akka.Remote.Transport.AkkaProtocolException" or "Akka.Remote.Transport.PduCodecException")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Why a connection failed, in a few words that do not change from one connection to the next.</summary>
    private static string Describe(Exception cause)
    {
        var root = cause.GetBaseException();
        return root switch
        {
            _ when root.GetType().Name == "NotSslRecordException" => "it does not speak TLS",
            _ when IsTls(cause) => $"its TLS handshake failed: {root.Message.TrimEnd('.')}",
            _ when root.GetType().Namespace == "DotNetty.Codecs" => "it sent frames that break the transport's framing",
            System.Net.Sockets.SocketException socket => $"its connection failed: {socket.SocketErrorCode}",
            _ => $"its connection failed: {root.GetType().Name}",
        };
    }

    /// <summary>
    /// The peer's host in the name of the actor that logged, which Akka.Remote gives each connection's actors
    /// (<c>.../akkaProtocol-akka.tcp%3A%2F%2Fprimecluster%4010.1.2.3%3A50123-7</c>, <c>.../endpointReader-...</c>): the
    /// last address in the source, URL-decoded; null when there is none.
    /// </summary>
    private static string? PeerOf(string? source)
    {
        if (source is null || !source.Contains('%', StringComparison.Ordinal))
        {
            return null;
        }

        var addresses = HostInAddress().Matches(Uri.UnescapeDataString(source));
        return addresses.Count > 0 ? Host(addresses[^1].Groups["host"].Value.Trim('[', ']')) : null;
    }

    [GeneratedRegex(@"@(?<host>\[[^\]]+\]|[^:/@\[\]]+):\d+")]
    private static partial Regex HostInAddress();

    [GeneratedRegex(@"(?<direction>inbound|outbound) association\. Handshake timed out after \[(?<ms>\d+(\.\d+)?)\] ms")]
    private static partial Regex HandshakeTimedOut();

    /// <summary>A peer's address without the port, which changes with every connection it makes.</summary>
    private static string Host(object? endpoint) => endpoint switch
    {
        IPEndPoint ip => Address(ip),
        DnsEndPoint dns => dns.Host,
        string text when IPEndPoint.TryParse(text, out var ip) => Address(ip),
        string text when IPAddress.TryParse(text, out var ip) => Address(new IPEndPoint(ip, 0)),
        _ => Text(endpoint),
    };

    private static string Address(IPEndPoint endpoint) =>
        (endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address).ToString();

    private static string Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "unknown";
}
