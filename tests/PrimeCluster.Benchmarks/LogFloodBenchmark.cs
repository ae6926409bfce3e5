using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using PrimeCluster.Testing;

namespace PrimeCluster.Benchmarks;

/// <summary>
/// What a seed with mutual TLS logs for bad connections to its cluster port, this build beside another: for each kind,
/// <see cref="Connections"/> connections from 127.0.0.1, and the bytes its log grew by. Kinds: sockets that connect and
/// say nothing past the handshake timeout; sockets that send bytes that are not TLS; TLS connections with the cluster's
/// own certificate that send a frame whose length is no length; and the same with a well-framed frame of garbage.
/// </summary>
public static class LogFloodBenchmark
{
    private const int Connections = 1_000;

    /// <summary>What the seed still logs of a kind after its last connection (the handshake timeout is 15 s).</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    /// <summary>Each kind, and how one of its connections goes (null: held open all together, saying nothing).</summary>
    private static readonly (string Name, Func<int, Task>? Connect)[] Kinds =
    [
        ("half-open sockets", null),
        ("plain garbage", port => SendPlainAsync(port, RandomNumberGenerator.GetBytes(300))),
        ("TLS, a frame whose length is no length", port => ClusterPortClients.SendOverTlsAsync(port, _certificates!.Node.Certificate, ClusterPortClients.Frame(framed: false))),
        ("TLS, a frame of garbage", port => ClusterPortClients.SendOverTlsAsync(port, _certificates!.Node.Certificate, ClusterPortClients.Frame(framed: true))),
    ];

    private static TestCertificates? _certificates;

    public static async Task<int> RunAsync(TextWriter report, string baselineDll)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var certificates = _certificates = TestCertificates.Create();
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"log bytes of a TLS seed per {Connections} bad connections from one address; {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
        foreach (var (name, dll) in new[] { ("baseline", baselineDll), ("this build", (string?)null) })
        {
            var environment = certificates.Environment(certificates.Node);
            environment["WORKERS"] = "1";
            environment["DATA_DIR"] = "none";
            using var seed = NodeProcess.Start(environment, assembly: dll);
            await WaitUpAsync(seed);
            foreach (var (kind, connect) in Kinds)
            {
                var before = seed.Output.Length;
                if (connect is null)
                {
                    await HoldHalfOpenAsync(seed.ClusterPort);
                }
                else
                {
                    for (var i = 0; i < Connections; i++)
                    {
                        await connect(seed.ClusterPort);
                    }
                }

                await Task.Delay(Settle);
                var logged = seed.Output[before..];
                report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}, {kind}: {System.Text.Encoding.UTF8.GetByteCount(logged)} bytes in {logged.Count(c => c == '\n')} lines"));
            }
        }

        return 0;
    }

    /// <summary>Sockets that connect and never say a word, held until the seed's handshake timeout has passed for each.</summary>
    private static async Task HoldHalfOpenAsync(int port)
    {
        var sockets = new List<TcpClient>();
        try
        {
            for (var i = 0; i < Connections; i++)
            {
                var socket = new TcpClient();
                sockets.Add(socket);
                await socket.ConnectAsync("127.0.0.1", port);
            }

            await Task.Delay(Settle);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private static async Task SendPlainAsync(int port, byte[] bytes)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync("127.0.0.1", port);
        await socket.GetStream().WriteAsync(bytes);
    }

    private static async Task WaitUpAsync(NodeProcess seed)
    {
        for (var attempt = 0; attempt < 1_200; attempt++)
        {
            try
            {
                using var cluster = JsonDocument.Parse(await seed.Http.GetStringAsync("/cluster"));
                if (cluster.RootElement.GetProperty("totals").GetProperty("workers").GetInt32() >= 1)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The seed did not come up within two minutes:\n{seed.Output}");
    }
}
