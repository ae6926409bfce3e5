using Akka.Actor;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Testing;
using Xunit.Abstractions;
using static PrimeCluster.Actors.Messages.JobProtocol;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// A member with a valid certificate that acts as a worker to learn a running job, then reports in the honest worker's
/// name (with its own token, none, or a guess; its sender written as the honest worker's or its own), fails and hands
/// back the honest worker's batches, claims batches no job has, lies about its own batch, and subscribes to the job
/// 20,000 times: the seed process with mutual TLS refuses all of it but the lie, which costs the forger alone; the job
/// ends exact, and the seed's memory stays bounded.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ForgingMemberSpecs(TlsSeedFixture fixture, ITestOutputHelper output) : IClassFixture<TlsSeedFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);
    private static readonly NumberRange Range = new(1, 3_000_000);

    [Fact]
    public async Task Results_in_an_honest_workers_name_and_a_flood_of_subscriptions_should_harm_neither_the_job_nor_the_worker()
    {
        var seed = fixture.Seed;
        var logged = seed.Output.Length;
        var id = await SeedApi.SubmitAsync(seed, $$"""{"from": {{Range.From}}, "til": {{Range.Til}}, "batches": 1000}""");
        await using var forger = Intruder.Tls(fixture.Certificates.Node.Certificate);
        forger.Join(seed.ClusterPort);
        await SeedApi.WaitUntilAsync("the forger is up", Bound, output, () =>
            Task.FromResult(Akka.Cluster.Cluster.Get(forger.System).SelfMember.Status == Akka.Cluster.MemberStatus.Up));
        var coordinator = await forger.Coordinator(seed.ClusterPort).ResolveOne(TimeSpan.FromSeconds(10));
        var honest = await forger.System.ActorSelection($"{forger.Seed(seed.ClusterPort)}/user/worker-0").ResolveOne(TimeSpan.FromSeconds(10));
        var before = seed.ResidentBytes();

        // As a worker: a batch of the job, which names the job's actor, and a token of the forger's own.
        var inbox = Inbox.Create(forger.System);
        coordinator.Tell(new RequestWork(inbox.Receiver, 1, 0), inbox.Receiver);
        WorkAssignment? assignment = null;
        for (var wait = 0; wait < 30 && assignment is null; wait++)
        {
            assignment = await Intruder.ReceivedAsync(inbox, TimeSpan.FromSeconds(1)) as WorkAssignment;
        }

        Assert.NotNull(assignment);
        var (job, jobId) = (assignment.Job, assignment.JobId);

        // Wrong tallies of every batch, failures and returns, in the honest worker's name.
        var lies = Enumerable.Range(0, MaxBatchesPerMessage).Select(i => new BatchResult(i, new Tally(1, 1))).ToList();
        foreach (var token in new[] { assignment.Token, AssignmentToken.None, new AssignmentToken(UInt128.MaxValue) })
        {
            foreach (var sender in new[] { honest, inbox.Receiver })
            {
                job.Tell(new BatchesCompleted(jobId, lies, honest, Slots: 8, Token: token), sender);
                job.Tell(new BatchesReturned(jobId, [.. lies.Select(r => r.Index)], honest, token), sender);
                for (var index = 0L; index < 1000; index++)
                {
                    job.Tell(new BatchFailed(jobId, index, "forged", honest, token), sender);
                }
            }
        }

        // Batches it does not hold and indices no job has, in its own name, with its own token; and a wrong tally of
        // the one batch it does hold, which is its own and costs it that job.
        job.Tell(new BatchesCompleted(jobId, [.. lies.Take(1000), new BatchResult(long.MaxValue, new Tally(1, 1)), new BatchResult(1L << 40, Tally.Zero)], inbox.Receiver, Token: assignment.Token), inbox.Receiver);

        // 20,000 subscriptions to the job's batches, each for another live actor of the forger's.
        for (var i = 0; i < 20_000; i++)
        {
            coordinator.Tell(new SubscribeToJob(new JobId(jobId.Value), forger.System.ActorOf(Props.Create(() => new Mute())), Batches: true));
        }

        // Its own batch handed back as a worker that leaves would: the job needs nothing of the forger.
        job.Tell(new BatchesReturned(jobId, [.. assignment.Batches.Select(b => b.Index)], inbox.Receiver, assignment.Token), inbox.Receiver);

        var finished = await SeedApi.WaitForFinishedAsync(seed, id, Bound, output);
        var after = seed.ResidentBytes();
        output.WriteLine($"the seed's resident memory: {before.Now >> 20} MB before the attack, {after.Peak >> 20} MB at its peak, {after.Now >> 20} MB after the job");
        SeedApi.AssertExact(finished, Range);
        var forgerNode = Akka.Cluster.Cluster.Get(forger.System).SelfAddress.ToString();
        var mismatches = (await SeedApi.ClusterAsync(seed)).GetProperty("members").EnumerateArray().ToDictionary(m => m.GetProperty("address").GetString()!, m => m.GetProperty("mismatches").GetInt32());
        Assert.Equal(1, mismatches[forgerNode]);
        Assert.All(mismatches.Where(m => m.Key != forgerNode), m => Assert.Equal(0, m.Value));
        Assert.InRange(after.Peak - Math.Max(before.Peak, before.Now), long.MinValue, 300L << 20);

        var text = seed.Output[logged..];
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        output.WriteLine($"{text.Length} bytes logged during the attack:\n{string.Join('\n', lines.Where(l => !l.Contains(" info: ", StringComparison.Ordinal)))}");
        Assert.DoesNotContain(lines, l => l.Contains(" fail: ", StringComparison.Ordinal));
        Assert.All(lines.Where(l => l.Contains("wrong tally", StringComparison.Ordinal)), l => Assert.Contains(forgerNode, l, StringComparison.Ordinal));
        Assert.InRange(lines.Count(l => l.Contains("no member reports for another", StringComparison.Ordinal)), 1, 9);
        Assert.InRange(lines.Count(l => l.Contains(" warn: PrimeCluster.", StringComparison.Ordinal)), 1, 10);
    }

    /// <summary>A subscriber that reads and drops whatever comes.</summary>
    private sealed class Mute : ReceiveActor
    {
        public Mute() => ReceiveAny(_ => { });
    }
}
