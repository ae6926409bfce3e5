using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace PrimeCluster.Node.Api;

/// <summary>
/// The host names an API without a token answers to: this machine's own names and addresses. A web page whose name was
/// pointed at this machine (DNS rebinding) sends its own name in the Host header and is refused, so it cannot submit or
/// cancel jobs through a browser on the operator's machine.
/// </summary>
internal static class ApiHosts
{
    public static IReadOnlyList<string> Allowed(Uri apiUrl, string publicHost)
    {
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "localhost", Dns.GetHostName(), publicHost };
        if (!IPAddress.TryParse(apiUrl.IdnHost, out var bound) || !bound.Equals(IPAddress.Any) && !bound.Equals(IPAddress.IPv6Any))
        {
            hosts.Add(apiUrl.Host);
        }

        foreach (var address in LocalAddresses())
        {
            hosts.Add(address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString());
        }

        return [.. hosts];
    }

    private static IEnumerable<IPAddress> LocalAddresses()
    {
        yield return IPAddress.Loopback;
        yield return IPAddress.IPv6Loopback;
        foreach (var network in NetworkInterface.GetAllNetworkInterfaces())
        {
            foreach (var unicast in network.GetIPProperties().UnicastAddresses)
            {
                // Scope ids (fe80::1%eth0) never appear in a Host header.
                var address = unicast.Address;
                yield return address.AddressFamily == AddressFamily.InterNetworkV6 ? new IPAddress(address.GetAddressBytes()) : address;
            }
        }
    }
}
