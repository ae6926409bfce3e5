using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Akka.Actor;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Testing;
using Xunit.Abstractions;
using static PrimeCluster.Actors.Messages.JobProtocol;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// A seed process with mutual TLS on its cluster port, and what an attacker on the same machine can do to it: nodes
/// without TLS, without a certificate, with another CA's certificate, with an expired one of the right CA, and a raw
/// socket sending garbage. None of them becomes a member or gets a message through, a job running meanwhile ends
/// exact, and the seed logs each refusal in one line.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TransportSecuritySpecs(TlsSeedFixture fixture, ITestOutputHelper output) : IClassFixture<TlsSeedFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan NoAnswer = TimeSpan.FromSeconds(3);

    public static TheoryData<string, string> Intruders => new()
    {
        { "without TLS", "it does not speak TLS" },
        { "without a certificate", "it presented no certificate" },
        { "with another CA's certificate", "its certificate is not signed by the cluster's CA" },
        { "with an expired certificate of the cluster's CA", "its certificate expired on " },
    };

    [Theory]
    [MemberData(nameof(Intruders))]
    public async Task A_node_should_get_nothing_through(string intruderKind, string reason)
    {
        var seed = fixture.Seed;
        var (id, range) = await StartJobAsync(seed);

        await using var intruder = intruderKind switch
        {
            "without TLS" => Intruder.Plain(),
            "without a certificate" => Intruder.Tls(fixture.Certificates.Foreign.Certificate, present: false),
            "with another CA's certificate" => Intruder.Tls(fixture.Certificates.Foreign.Certificate),
            _ => Intruder.Tls(fixture.Certificates.Expired.Certificate),
        };
        var inbox = Inbox.Create(intruder.System);
        Assert.Equal("running", (await SeedApi.JobAsync(seed, id)).GetProperty("state").GetString());
        intruder.Join(seed.ClusterPort);
        intruder.Coordinator(seed.ClusterPort).Tell(new CancelJob(new JobId(id)), inbox.Receiver);
        intruder.Coordinator(seed.ClusterPort).Tell(new RequestWork(inbox.Receiver, 2, 0), inbox.Receiver);

        // Several questions, seconds apart, so that the intruder connects several times (a refused address is gated
        // for 5 s between attempts).
        var answers = new List<object?>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await intruder.AskCoordinatorAsync(seed.ClusterPort, new GetJobs(10), NoAnswer));
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        var job = await SeedApi.WaitForFinishedAsync(seed, id, Bound, output);
        Assert.All(answers, Assert.Null);
        Assert.Null(await Intruder.ReceivedAsync(inbox, TimeSpan.FromSeconds(1)));
        Assert.Equal([seed.Address.Replace("akka.tcp", "akka.ssl.tcp", StringComparison.Ordinal)], await SeedApi.MembersAsync(seed));
        Assert.DoesNotContain(Akka.Cluster.Cluster.Get(intruder.System).State.Members, m => m.Status == Akka.Cluster.MemberStatus.Up);
        AssertExact(job, range);
        await AssertRefusedOnceAsync(seed, reason);
    }

    [Fact]
    public async Task A_raw_socket_sending_garbage_should_get_nothing_through()
    {
        var seed = fixture.Seed;
        var (id, range) = await StartJobAsync(seed);

        for (var i = 0; i < 3; i++)
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync("127.0.0.1", seed.ClusterPort);
            await socket.GetStream().WriteAsync(RandomNumberGenerator.GetBytes(300));
            await Task.Delay(500);
        }

        AssertExact(await SeedApi.WaitForFinishedAsync(seed, id, Bound, output), range);
        Assert.Single(await SeedApi.MembersAsync(seed));
        await AssertRefusedOnceAsync(seed, "it does not speak TLS");
    }

    /// <summary>A job of some seconds on the seed's one worker, under way.</summary>
    private async Task<(string Id, (ulong From, ulong Til) Range)> StartJobAsync(NodeProcess seed)
    {
        var id = await SeedApi.SubmitAsync(seed, """{"from": 1, "til": 1000000}""");
        await SeedApi.WaitUntilAsync("the job is under way", Bound, output, async () =>
            (await SeedApi.JobAsync(seed, id)).GetProperty("progress").GetProperty("batches_done").GetInt32() > 0);
        return (id, (1, 1_000_000));
    }

    private static void AssertExact(JsonElement job, (ulong From, ulong Til) range)
    {
        var expected = SieveKernel.Instance.Count(range.From, range.Til);
        Assert.Equal("done", job.GetProperty("state").GetString());
        Assert.Equal(expected.PrimeCount.ToString(CultureInfo.InvariantCulture), job.GetProperty("prime_count").GetRawText());
        Assert.Equal(expected.CheckCount.ToString(CultureInfo.InvariantCulture), job.GetProperty("check_count").GetRawText());
    }

    /// <summary>One line for the intruder's address and reason, and none of what Akka.Remote logs per connection.</summary>
    private async Task AssertRefusedOnceAsync(NodeProcess seed, string reason)
    {
        var refusal = $"refused a cluster connection from 127.0.0.1: {reason}";
        await SeedApi.WaitUntilAsync("the seed logs the refusal", Bound, output, () => Task.FromResult(seed.Output.Contains(refusal, StringComparison.Ordinal)));
        var lines = seed.Output.Split('\n');
        output.WriteLine(string.Join('\n', lines.Where(l => l.Contains("PrimeCluster.ClusterTransport", StringComparison.Ordinal))));
        Assert.Single(lines, l => l.Contains(refusal, StringComparison.Ordinal));
        foreach (var noise in new[] { "TLS handshake failed", "Error caught channel", "Rejected incoming connection", "did not provide a certificate", "Exception" })
        {
            Assert.DoesNotContain(lines, l => l.Contains(noise, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(lines, l => l.StartsWith("   at ", StringComparison.Ordinal));
    }
}

/// <summary>A seed with mutual TLS and one worker actor of its own, for the attackers to try.</summary>
public sealed class TlsSeedFixture : IDisposable
{
    public TlsSeedFixture()
    {
        Certificates = TestCertificates.Create();
        var environment = Certificates.Environment(Certificates.Node);
        environment["WORKERS"] = "1";
        Seed = NodeProcess.Start(environment);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(90);
        while (!HasWorker())
        {
            if (DateTimeOffset.UtcNow > deadline || Seed.HasExited)
            {
                throw new TimeoutException($"The TLS seed did not come up:\n{Seed.Output}");
            }

            Thread.Sleep(200);
        }
    }

    public TestCertificates Certificates { get; }

    public NodeProcess Seed { get; }

    public void Dispose()
    {
        Seed.Dispose();
        Certificates.Dispose();
    }

    private bool HasWorker()
    {
        try
        {
            return SeedApi.ClusterAsync(Seed).GetAwaiter().GetResult().GetProperty("totals").GetProperty("workers").GetInt32() == 1;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
