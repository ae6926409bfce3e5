using System.Net;
using System.Net.Sockets;

namespace PrimeCluster.Testing;

/// <summary>
/// HTTP clients that connect from addresses of their own: Linux answers every address of 127.0.0.0/8 on loopback, so
/// each stands for another client machine, as a node's per-client limits see it.
/// </summary>
public static class LoopbackClients
{
    /// <summary>127.0.0.2, 127.0.0.3, ..., one for each <paramref name="index"/> from 0 (at most 65,000 of them).</summary>
    public static IPAddress Address(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, 65_000);
        var host = index + 2;
        return new IPAddress([127, 0, (byte)(host / 250), (byte)(1 + (host % 250))]);
    }

    /// <summary>A client whose connections come from <paramref name="source"/>.</summary>
    public static HttpClient From(IPAddress source, Uri baseAddress, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = timeout };
    }
}
