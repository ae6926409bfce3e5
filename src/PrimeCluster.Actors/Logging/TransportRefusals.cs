using System.Globalization;
using System.Net;
using Akka.Event;

namespace PrimeCluster.Actors.Logging;

/// <summary>
/// Condenses what is logged about connections refused on the cluster port into one short line per peer and reason.
/// Akka.Remote logs a failed TLS handshake as an error with a stack trace and then a warning, for every connection, so a
/// peer that keeps retrying would fill the log; here the first refusal of a peer for a reason is one line, and the same
/// again within the hour only adds to a count that the next line after the hour gives. Each logger actor holds one.
/// </summary>
public sealed class TransportRefusals
{
    /// <summary>What a node's certificate check logs when it refuses a peer that connected to it.</summary>
    public const string RefusedFrom = "refused a cluster connection from {0}: {1}";

    /// <summary>What it logs when it refuses the peer it connected to.</summary>
    public const string RefusedTo = "refused a cluster connection to {0}: {1}";

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
        if (e.Message is not LogMessage { Format: var format } message)
        {
            return false;
        }

        var parameters = message.Parameters().ToArray();
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

            case not null when source is "TcpServerHandler" or "TcpClientHandler"
                && (format.StartsWith("TLS handshake failed on channel", StringComparison.Ordinal)
                    || format.StartsWith("TLS exception on channel", StringComparison.Ordinal)
                    || (format.StartsWith("Error caught channel", StringComparison.Ordinal) && IsTls(e.Cause))):
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

            default:
                return false;
        }
    }

    private string? Once(string format, string peer, string reason)
    {
        var at = _now();
        var key = (peer, reason);
        if (_seen.TryGetValue(key, out var seen) && at - seen.Logged < Quiet)
        {
            _seen[key] = seen with { Since = seen.Since + 1 };
            return null;
        }

        if (_seen.Count >= MaxPeers)
        {
            _seen.Clear();
        }

        _seen[key] = (at, 0);
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

    /// <summary>Why a handshake failed, in a few words.</summary>
    private static string Describe(Exception? cause)
    {
        var root = cause?.GetBaseException();
        return root switch
        {
            null => "its TLS handshake failed",
            _ when root.GetType().Name == "NotSslRecordException" => "it does not speak TLS",
            _ => $"its TLS handshake failed: {root.Message.TrimEnd('.')}",
        };
    }

    /// <summary>A peer's address without the port, which changes with every connection it makes.</summary>
    private static string Host(object? endpoint) => endpoint switch
    {
        IPEndPoint ip => Address(ip),
        DnsEndPoint dns => dns.Host,
        string text when IPEndPoint.TryParse(text, out var ip) => Address(ip),
        _ => Text(endpoint),
    };

    private static string Address(IPEndPoint endpoint) =>
        (endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address).ToString();

    private static string Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "unknown";
}
