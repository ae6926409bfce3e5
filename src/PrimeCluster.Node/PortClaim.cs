using System.Net;
using System.Net.Sockets;

namespace PrimeCluster.Node;

/// <summary>
/// A port checked free before the node starts anything. Akka.Remote listens with address reuse, which .NET maps to
/// SO_REUSEADDR and SO_REUSEPORT on Linux and macOS: a second node of this product on the same cluster port binds it
/// too, shares its connections and joins as the first one's new incarnation. So each port is first bound here by a
/// socket that asks only for SO_REUSEADDR (a restart among the last run's closing connections is no conflict), which the
/// kernel refuses while any socket listens on the port. On Linux the cluster port is also held for the node's life by
/// an abstract socket named after it, so that two nodes started at the same moment cannot both pass the check.
/// </summary>
internal sealed class PortClaim : IDisposable
{
    private readonly Socket? _held;

    private PortClaim(Socket? held) => _held = held;

    /// <summary>
    /// Checks <paramref name="host"/>:<paramref name="port"/> free and, with <paramref name="hold"/>, holds it for this
    /// node until disposed; throws <see cref="StartFailure"/> naming <paramref name="setting"/> when it is not. Port 0
    /// (any free port) needs no check.
    /// </summary>
    public static PortClaim Take(string setting, string host, int port, bool hold)
    {
        if (port == 0)
        {
            return new PortClaim(null);
        }

        var address = Resolve(setting, host);
        var endpoint = $"{(address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address)}:{port}";
        var held = hold && OperatingSystem.IsLinux() ? Hold(setting, endpoint) : null;
        try
        {
            Probe(setting, address, port, endpoint);
            return new PortClaim(held);
        }
        catch
        {
            held?.Dispose();
            throw;
        }
    }

    public void Dispose() => _held?.Dispose();

    /// <summary>
    /// An abstract Unix socket (Linux: per network namespace, as ports are; gone with the process) named after the
    /// endpoint; none where the system refuses one (the check below still stands).
    /// </summary>
    private static Socket? Hold(string setting, string endpoint)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint($"\0primecluster-node {endpoint}"));
            return socket;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw new StartFailure(setting, $"{endpoint} is taken by another PrimeCluster node on this machine (started twice?): stop that one, or give this one another port.");
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    private static void Probe(string setting, IPAddress address, int port, string endpoint)
    {
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (OperatingSystem.IsLinux())
        {
            probe.SetRawSocketOption(1, 2, BitConverter.GetBytes(1)); // SOL_SOCKET, SO_REUSEADDR
        }
        else if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            probe.SetRawSocketOption(0xffff, 0x4, BitConverter.GetBytes(1));
        }

        try
        {
            probe.Bind(new IPEndPoint(address, port));
        }
        catch (SocketException e)
        {
            throw new StartFailure(setting, e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => $"{endpoint} is in use by another process (another node?): stop that one, or give this one another port.",
                SocketError.AccessDenied => $"{endpoint} may not be used by this user (ports below 1024 need privileges): give another port.",
                SocketError.AddressNotAvailable => $"{address} is not an address of this machine.",
                _ => $"cannot listen on {endpoint}: {e.Message}",
            });
        }
    }

    /// <summary>The address a listener given <paramref name="host"/> binds: an IP address as is, a name as it resolves.</summary>
    private static IPAddress Resolve(string setting, string host)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            return address;
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        try
        {
            var addresses = Dns.GetHostAddresses(host);
            return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.First();
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException)
        {
            throw new StartFailure(setting, $"'{host}' does not resolve to an address of this machine: {e.Message}");
        }
    }
}

/// <summary>Something outside the node keeps it from starting (a port taken, a data directory it cannot use); the message names the setting.</summary>
internal sealed class StartFailure(string setting, string message) : Exception($"{setting}: {message}")
{
    public string Setting { get; } = setting;
}
