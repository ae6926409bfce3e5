using System.Net.Sockets;
using System.Security.Cryptography;
using Akka.Actor;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Actors.Serialization;
using PrimeCluster.Core;
using PrimeCluster.Testing;
using Xunit.Abstractions;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// A seed process with mutual TLS, flooded on its cluster port: hundreds of sockets that never finish their handshake,
/// connections with a valid certificate that send frames no node sends, and a member with a valid certificate that
/// sends messages no build sends. Each comes down to one warning per peer and reason, without a stack trace; the
/// messages are refused at the wire; a job running meanwhile ends exact.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TransportFloodSpecs(TlsSeedFixture fixture, ITestOutputHelper output) : IClassFixture<TlsSeedFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Sockets_that_never_finish_their_handshake_and_frames_no_node_sends_should_be_logged_once_a_peer_and_reason()
    {
        var seed = fixture.Seed;
        var logged = seed.Output.Length;
        var id = await SeedApi.SubmitAsync(seed, """{"from": 1, "til": 1000000}""");

        // 200 sockets that connect and say nothing, past the handshake timeout (15 s).
        var idle = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 200; i++)
            {
                var socket = new TcpClient();
                idle.Add(socket);
                await socket.ConnectAsync("127.0.0.1", seed.ClusterPort);
            }

            await Task.Delay(TimeSpan.FromSeconds(17));
        }
        finally
        {
            foreach (var socket in idle)
            {
                socket.Dispose();
            }
        }

        // Connections with the cluster's own certificate: frames whose length is no length, then frames of garbage.
        for (var i = 0; i < 100; i++)
        {
            await ClusterPortClients.SendOverTlsAsync(seed.ClusterPort, fixture.Certificates.Node.Certificate, ClusterPortClients.Frame(framed: i % 2 == 1));
            await Task.Delay(50);
        }

        SeedApi.AssertExact(await SeedApi.WaitForFinishedAsync(seed, id, Bound, output), new(1, 1_000_000));
        var lines = await AttackLinesAsync(
            seed,
            logged,
            "refused a cluster connection from 127.0.0.1: it did not finish its handshake within 15 s",
            "refused a cluster connection from 127.0.0.1: it sent frames that break the transport's framing",
            "refused a cluster connection from 127.0.0.1: it sent frames that are no messages of Akka's protocol");
        AssertQuiet(lines);
    }

    [Fact]
    public async Task A_member_sending_messages_no_build_sends_should_have_them_refused_at_the_wire_and_logged_once_a_kind()
    {
        var seed = fixture.Seed;
        var logged = seed.Output.Length;
        var id = await SeedApi.SubmitAsync(seed, """{"from": 1, "til": 1000000}""");
        await using var member = Intruder.Tls(fixture.Certificates.Node.Certificate, raw: true);
        member.Join(seed.ClusterPort);
        await SeedApi.WaitUntilAsync("the member is up", Bound, output, () =>
            Task.FromResult(Akka.Cluster.Cluster.Get(member.System).SelfMember.Status == Akka.Cluster.MemberStatus.Up));
        var coordinator = await member.Coordinator(seed.ClusterPort).ResolveOne(TimeSpan.FromSeconds(10));

        // Results beyond what one message carries and an error too long to log, as PrimeCluster's serializer writes
        // them, then 400 payloads of garbage.
        var protocol = new ProtocolSerializer((ExtendedActorSystem)member.System);
        var results = protocol.ToBinary(new BatchesCompleted(new JobId(id), [.. Enumerable.Range(0, 4000).Select(i => new BatchResult(i, new Tally(1, 1)))], member.System.DeadLetters));
        var failed = protocol.ToBinary(new BatchFailed(new JobId(id), 0, new string('x', 5000), member.System.DeadLetters));
        for (var i = 0; i < 100; i++)
        {
            coordinator.Tell(new RawMessage("BC", results));
            coordinator.Tell(new RawMessage("BF", failed));
        }

        for (var i = 0; i < 400; i++)
        {
            coordinator.Tell(new RawMessage("BC", RandomNumberGenerator.GetBytes(100)));
        }

        SeedApi.AssertExact(await SeedApi.WaitForFinishedAsync(seed, id, Bound, output), new(1, 1_000_000));
        var lines = await AttackLinesAsync(
            seed,
            logged,
            "dropped a message from 127.0.0.1: a 'BC' message that cannot be read: 4000 results, more than the 1024 any build sends in one message",
            "dropped a message from 127.0.0.1: a 'BF' message that cannot be read: an error of 5000 characters, more than the 1000 any build sends");
        Assert.Single(lines, l => l.Contains("a 'BC' message that cannot be read", StringComparison.Ordinal));
        AssertQuiet(lines);
    }

    /// <summary>Waits until each of <paramref name="expected"/> has been logged once; the lines logged since <paramref name="from"/>.</summary>
    private async Task<string[]> AttackLinesAsync(NodeProcess seed, int from, params string[] expected)
    {
        try
        {
            await SeedApi.WaitUntilAsync("the seed logs the attacks", Bound, output, () =>
                Task.FromResult(expected.All(e => seed.Output[from..].Contains(e, StringComparison.Ordinal))));
        }
        catch (TimeoutException)
        {
            output.WriteLine($"The seed logged:\n{seed.Output[from..]}");
            throw;
        }

        // What more would come of it comes within a second or two.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var text = seed.Output[from..];
        output.WriteLine($"{text.Length} bytes logged during the attack:\n{text}");
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in expected)
        {
            Assert.Single(lines, l => l.Contains(line, StringComparison.Ordinal));
        }

        return lines;
    }

    /// <summary>Nothing at error level, no warning but the transport's lines, no stack trace, none of Akka's words for each connection.</summary>
    private static void AssertQuiet(string[] lines)
    {
        Assert.DoesNotContain(lines, l => l.Contains(" fail: ", StringComparison.Ordinal));
        Assert.All(lines.Where(l => l.Contains(" warn: ", StringComparison.Ordinal)), l => Assert.Contains(" warn: PrimeCluster.ClusterTransport ", l, StringComparison.Ordinal));
        foreach (var noise in new[] { "Handshake timed out", "Error caught channel", "Deserialization failed", "Error while decoding", " at Akka.", " at DotNetty.", "   at " })
        {
            Assert.DoesNotContain(lines, l => l.Contains(noise, StringComparison.Ordinal));
        }
    }
}
