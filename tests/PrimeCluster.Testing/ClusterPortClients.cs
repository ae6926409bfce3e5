using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PrimeCluster.Testing;

/// <summary>Connections to a node's cluster port that no node makes: what an attacker holding a certificate can send.</summary>
public static class ClusterPortClients
{
    /// <summary>
    /// 200 random bytes behind a length prefix: in DotNetty's order (little-endian), a frame Akka's protocol cannot
    /// decode; in the other, a length the transport's framing refuses.
    /// </summary>
    public static byte[] Frame(bool framed)
    {
        var frame = new byte[204];
        RandomNumberGenerator.Fill(frame.AsSpan(4));
        if (framed)
        {
            BinaryPrimitives.WriteInt32LittleEndian(frame, 200);
        }
        else
        {
            BinaryPrimitives.WriteInt32BigEndian(frame, 200);
        }

        return frame;
    }

    /// <summary>A TLS connection from 127.0.0.1 that presents <paramref name="certificate"/>, sends <paramref name="bytes"/> and closes.</summary>
    public static async Task SendOverTlsAsync(int port, X509Certificate2 certificate, byte[] bytes)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync("127.0.0.1", port);
        await using var tls = new SslStream(socket.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", ClientCertificates = [certificate] });
        await tls.WriteAsync(bytes);
        await tls.FlushAsync();
    }
}
