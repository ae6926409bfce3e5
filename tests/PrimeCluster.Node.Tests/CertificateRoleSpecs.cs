using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Actors.Security;
using PrimeCluster.Actors.Serialization;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Testing;
using Xunit.Abstractions;
using static PrimeCluster.Actors.Messages.JobProtocol;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// Roles that certificates carry, tried on a seed process with mutual TLS: a member holding a valid worker's certificate
/// that gives the coordinator orders (plainly, under its own seal, under a seed's seal moved to another request) gets
/// none obeyed; a worker's certificate cannot start a seed; the seeds' API, on a seed that does not hold the
/// coordinator, still gives orders across the wire; and a worker with a certificate made before roles still works.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CertificateRoleSpecs(TlsSeedFixture fixture, ITestOutputHelper output) : IClassFixture<TlsSeedFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_member_holding_a_worker_certificate_should_have_no_order_obeyed_and_the_honest_job_end_exact()
    {
        var seed = fixture.Seed;
        var logged = seed.Output.Length;
        var jobsBefore = await JobCountAsync(seed);
        var id = await SeedApi.SubmitAsync(seed, """{"from": 1, "til": 1000000}""");
        await SeedApi.WaitUntilAsync("the job is under way", Bound, output, async () =>
            (await SeedApi.JobAsync(seed, id)).GetProperty("progress").GetProperty("batches_done").GetInt32() > 0);

        await using var member = Intruder.Tls(fixture.Certificates.Worker.Certificate, raw: true);
        member.Join(seed.ClusterPort);
        await SeedApi.WaitUntilAsync("the member is up", Bound, output, () =>
            Task.FromResult(Akka.Cluster.Cluster.Get(member.System).SelfMember.Status == Akka.Cluster.MemberStatus.Up));
        var coordinator = await member.Coordinator(seed.ClusterPort).ResolveOne(TimeSpan.FromSeconds(10));
        var inbox = Inbox.Create(member.System);

        // As any build writes them, without a seal; under the member's own (a worker's) certificate; and under a seed's
        // seal taken from another request (a GetJob of the same bytes as an AwaitJob).
        var system = (ExtendedActorSystem)member.System;
        var plain = new ProtocolSerializer(system);
        var ownSeal = new ProtocolSerializer(system, new ClientRequestSeal(new ClusterAuthority(fixture.Certificates.Authority), fixture.Certificates.Worker.Certificate));
        var seedSeal = new ProtocolSerializer(system, new ClientRequestSeal(new ClusterAuthority(fixture.Certificates.Authority), fixture.Certificates.Node.Certificate));
        coordinator.Tell(new RawMessage("CJ", plain.ToBinary(new CancelJob(new JobId(id)))), inbox.Receiver);
        var costly = plain.ToBinary(new SubmitJob(new JobSpec(new NumberRange(1, 3_000_000_000), Batches: 100_000_000), AcceptCost: true));
        for (var i = 0; i < 1000; i++)
        {
            coordinator.Tell(new RawMessage("SJ", costly), inbox.Receiver);
        }

        coordinator.Tell(new RawMessage("SJ", ownSeal.ToBinary(new SubmitJob(new JobSpec(new NumberRange(0, ulong.MaxValue), Algorithm.Sieve, Batches: 1), AcceptCost: true))), inbox.Receiver);
        coordinator.Tell(new RawMessage("SC", ownSeal.ToBinary(new SubscribeToCluster(inbox.Receiver))), inbox.Receiver);
        coordinator.Tell(new RawMessage("AJ", seedSeal.ToBinary(new GetJob(new JobId(id)))), inbox.Receiver);

        // The control: a request under a seed's own seal is taken, from this member's connection too.
        coordinator.Tell(new RawMessage("GL", seedSeal.ToBinary(new GetJobs(10))), inbox.Receiver);

        var job = await SeedApi.WaitForFinishedAsync(seed, id, Bound, output);
        SeedApi.AssertExact(job, new NumberRange(1, 1_000_000));
        Assert.Equal(jobsBefore + 1, await JobCountAsync(seed));
        var answers = new List<string>();
        while (await Intruder.ReceivedAsync(inbox, TimeSpan.FromSeconds(2)) is RawMessage answer)
        {
            answers.Add(answer.Manifest);
        }

        Assert.Equal(["JL"], answers);
        var lines = await RefusalLinesAsync(
            seed,
            logged,
            "a 'CJ' request of the client protocol refused: it carries no seed's seal",
            "a 'SJ' request of the client protocol refused: it carries no seed's seal",
            "a 'SC' request of the client protocol refused: its seal's certificate is a worker's, not a seed's",
            "a 'AJ' request of the client protocol refused: its seal's signature does not verify");
        Assert.DoesNotContain(lines, l => l.Contains(" fail: ", StringComparison.Ordinal) || l.StartsWith("   at ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("accepted", StringComparison.Ordinal) && !l.Contains(id, StringComparison.Ordinal));
    }

    public static TheoryData<string, string> NotSeeds => new()
    {
        { "worker", "is a worker's certificate, which cannot start a seed" },
        { "roleless", "carries no role (it was made before certificates carried one), so it is a worker's, which cannot start a seed" },
    };

    [Theory]
    [MemberData(nameof(NotSeeds))]
    public async Task A_node_started_as_a_seed_with_a_certificate_that_is_no_seeds_should_stop_with_one_line(string certificate, string says)
    {
        var held = certificate == "worker" ? fixture.Certificates.Worker : fixture.Certificates.Roleless;
        var environment = fixture.Certificates.Environment(held);
        environment["CLUSTER_ROLES"] = "seed,worker";
        environment["CLUSTER_PORT"] = NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        environment["API_URL"] = $"http://127.0.0.1:{NodeProcess.FreePort()}";

        var (exitCode, stdout, stderr) = await NodeProcess.RunToExitAsync(environment);

        // 2, as for every setting that is wrong (an expired TLS_CERT, another CA's): the node never started.
        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"primecluster-node: TLS_CERT: '{held.CertPath}' {says}; give this node one made with 'primecluster-node certs DIR --role seed' (by the same CA), or drop seed from CLUSTER_ROLES.", line);
    }

    [Fact]
    public async Task The_api_of_a_seed_without_the_coordinator_should_give_orders_across_the_wire_and_a_roleless_worker_should_count()
    {
        var first = fixture.Seed;
        var logged = first.Output.Length;
        var seedEnvironment = fixture.Certificates.Environment(fixture.Certificates.Node);
        seedEnvironment["CLUSTER_ROLES"] = "seed";
        seedEnvironment["CLUSTER_SEEDS"] = first.Address;
        using var second = NodeProcess.Start(seedEnvironment);
        var workerEnvironment = fixture.Certificates.Environment(fixture.Certificates.Roleless);
        workerEnvironment["CLUSTER_ROLES"] = "worker";
        workerEnvironment["CLUSTER_SEEDS"] = first.Address;
        workerEnvironment["WORKERS"] = "1";
        using var worker = NodeProcess.Start(workerEnvironment);
        try
        {
            await SeedApi.WaitUntilAsync("the worker counts and the second seed's API reaches the coordinator", Bound, output, async () =>
                await SeedApi.WorkersAsync(first) == 2 && await AnswersAsync(second));

            // The second seed's API asks the coordinator, on the first seed, under its seal.
            var id = await SeedApi.SubmitAsync(second, """{"from": 1, "til": 600000}""");
            var job = await SeedApi.WaitForFinishedAsync(second, id, Bound, output);

            SeedApi.AssertExact(job, new NumberRange(1, 600_000));
            Assert.True(await JobCountAsync(second) >= 1);
            Assert.True((await SeedApi.JobAsync(first, id)).GetProperty("state").GetString() == "done");
            Assert.DoesNotContain("request of the client protocol refused", first.Output[logged..], StringComparison.Ordinal);
            Assert.DoesNotContain("refused", second.Output, StringComparison.Ordinal);
        }
        finally
        {
            worker.Terminate();
            second.Terminate();
            await Task.WhenAll(worker.WaitForExitAsync(TimeSpan.FromSeconds(30)), second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
    }

    private static async Task<bool> AnswersAsync(NodeProcess seed)
    {
        try
        {
            await JobCountAsync(seed);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static async Task<int> JobCountAsync(NodeProcess seed)
    {
        using var page = JsonDocument.Parse(await seed.Http.GetStringAsync("/jobs"));
        var root = page.RootElement;
        return (root.ValueKind == JsonValueKind.Array ? root : root.GetProperty("jobs")).GetArrayLength();
    }

    /// <summary>Waits until each of <paramref name="expected"/> has been logged, once; the lines logged since <paramref name="from"/>.</summary>
    private async Task<string[]> RefusalLinesAsync(NodeProcess seed, int from, params string[] expected)
    {
        var prefixed = expected.Select(e => $"warn: PrimeCluster.ClusterTransport dropped a message from 127.0.0.1: {e}").ToArray();
        try
        {
            await SeedApi.WaitUntilAsync("the seed logs the refusals", Bound, output, () =>
                Task.FromResult(prefixed.All(e => seed.Output[from..].Contains(e, StringComparison.Ordinal))));
        }
        finally
        {
            output.WriteLine($"The seed logged:\n{seed.Output[from..]}");
        }

        var lines = seed.Output[from..].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in prefixed)
        {
            Assert.Single(lines, l => l.Contains(line, StringComparison.Ordinal));
        }

        return lines;
    }
}
