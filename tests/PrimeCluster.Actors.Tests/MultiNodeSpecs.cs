using Akka.Actor;
using Akka.Configuration;
using Akka.Remote;
using Akka.Remote.Transport;
using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Actors.Tests;

/// <summary>A seed and worker nodes as separate actor systems on loopback, in this process.</summary>
[Collection(ClusterCollection.Name)]
public sealed class MultiNodeSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Bound = Until.Bound;
    private readonly List<InProcessNode> _nodes = [];

    [Fact]
    public async Task Job_should_complete_exactly_across_a_seed_and_two_workers()
    {
        var seed = Start("seed");
        Start("worker", seed: seed);
        Start("worker", seed: seed);
        await Until.WorkersAsync(seed, 2);

        var outcome = await new ClusterJobRunner(seed.Client, seed.System, 2).RunAsync(new JobSpec(new NumberRange(1, 200_000), Batches: 40)).WaitAsync(Bound);

        Assert.Equal(new Tally(17_984, 1_711_580_852), outcome.Tally);
        Assert.Equal(2, outcome.Workers);
    }

    [Fact]
    public async Task Job_should_stay_exact_when_a_worker_node_dies_mid_job()
    {
        var seed = Start("seed");
        var survivor = Start("worker", seed: seed);
        var doomed = Start("worker", seed: seed, abrupt: true);
        await Until.WorkersAsync(seed, 2);
        await Until.UpAsync(seed, 3);
        var range = new NumberRange(1, 1_200_000);

        var id = (await seed.Client.SubmitAsync(new JobSpec(range, Batches: 60))).Id;
        await Until.TrueAsync(async () => (await seed.Client.WorkersAsync()).Any(w => w.Node == doomed.Address && w.Batches > 0));
        await doomed.System.Terminate();

        var view = await seed.Client.AwaitAsync(id).WaitAsync(Bound);
        Assert.Equal(JobState.Done, view!.State);
        Assert.Equal(SieveKernel.Instance.Count(range.From, range.Til), view.Result);
        Assert.DoesNotContain(await seed.Client.WorkersAsync(), w => w.Node == doomed.Address);
        Assert.Contains(await seed.Client.WorkersAsync(), w => w.Node == survivor.Address);
    }

    [Fact]
    public async Task Worker_node_joining_mid_job_should_receive_batches_at_once()
    {
        var seed = Start("seed");
        Start("worker", seed: seed);
        await Until.WorkersAsync(seed, 1);
        var range = new NumberRange(1, 1_000_000);
        var id = (await seed.Client.SubmitAsync(new JobSpec(range, Batches: 80))).Id;
        await Until.TrueAsync(async () => (await seed.Client.GetAsync(id))!.BatchesDone > 0);

        var newcomer = Start("worker", seed: seed);

        await Until.TrueAsync(async () => (await seed.Client.WorkersAsync()).Any(w => w.Node == newcomer.Address && w.Batches > 0));
        var view = await seed.Client.AwaitAsync(id).WaitAsync(Bound);
        Assert.Equal(SieveKernel.Instance.Count(range.From, range.Til), view!.Result);
    }

    [Fact]
    public async Task Job_should_not_wait_for_a_cut_off_worker_to_be_downed()
    {
        // Every link can be cut (the throttler adapter), and the cut-off worker is never downed within the test: the
        // job can only end by idle workers racing copies of the batches it holds.
        var seed = StartCuttable("seed");
        var survivor = StartCuttable("worker", seed);
        var cut = StartCuttable("worker", seed);
        await Until.WorkersAsync(seed, 2);
        await Until.UpAsync(seed, 3);
        var range = new NumberRange(1, 1_000_000);

        // Long enough (about a second of two cores) to see the worker holding batches before it is cut off.
        var id = (await seed.Client.SubmitAsync(new JobSpec(range, Batches: 24))).Id;
        await Until.TrueAsync(async () => (await seed.Client.WorkersAsync()).Any(w => w.Node == cut.Address && w.Batches > 0));
        foreach (var other in new[] { seed, survivor })
        {
            var naked = new Address("akka", other.Address.System, other.Address.Host, other.Address.Port);
            Assert.True(await ((RemoteActorRefProvider)((ExtendedActorSystem)cut.System).Provider).Transport.ManagementCommand(new SetThrottle(naked, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance)));
        }

        var view = await seed.Client.AwaitAsync(id).WaitAsync(Bound);
        Assert.Equal(JobState.Done, view!.State);
        Assert.Equal(SieveKernel.Instance.Count(range.From, range.Til), view.Result);
        Assert.Contains(Akka.Cluster.Cluster.Get(seed.System).State.Members, m => m.Address == cut.Address);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Job_should_resume_exactly_on_the_other_seed_when_the_coordinators_node_dies_or_leaves_mid_job(bool dies)
    {
        // Three seeds, as a cluster that must outlive one runs: the two left are a majority of the seeds.
        var oldest = Start("seed", abrupt: dies);
        var other = Start("seed", seed: oldest);
        Start("seed", seed: oldest);
        var worker = Start("worker", seed: oldest);
        await Until.WorkersAsync(other, 1);

        // The other seeds must know the whole cluster as Up, or they cannot take over.
        await Until.UpAsync(other, 4);
        var range = new NumberRange(1, 1_000_000);

        var id = (await other.Client.SubmitAsync(new JobSpec(range, Batches: 60))).Id;
        await Until.TrueAsync(async () => (await other.Client.GetAsync(id))!.BatchesDone >= 3);
        var before = await other.Client.GetAsync(id);

        // A follower on the other seed, subscribed to the coordinator that is about to go, hears the end from the next.
        var followed = LastAsync(other.Client.FollowAsync(id, other.System));
        await oldest.System.Terminate();
        Assert.True(before!.BatchesDone < before.BatchCount, "the job should have been running when the coordinator's node died");

        // The coordinator starts again on the other seed, reads the job's checkpoint and finishes it.
        JobView? view = null;
        try
        {
            await Until.TrueAsync(async () =>
            {
                try
                {
                    view = await other.Client.GetAsync(id);
                    return view?.State.IsTerminal() == true;
                }
                catch (AskTimeoutException)
                {
                    return false;
                }
            });
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Last seen: {view?.ToString() ?? "no job"}", e);
        }

        Assert.Equal(JobState.Done, view!.State);
        Assert.Equal(SieveKernel.Instance.Count(range.From, range.Til), view.Result);
        Assert.Equal(view.BatchCount, view.BatchesDone);
        Assert.Contains(await other.Client.WorkersAsync(), w => w.Node == worker.Address);
        var last = await followed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(JobState.Done, last?.State);
        Assert.Equal(view.Result, last?.Result);
    }

    /// <summary>The finished view the follower heard last, or null when it heard the job lost.</summary>
    private static async Task<JobView?> LastAsync(IAsyncEnumerable<JobEvent> events)
    {
        JobEvent? last = null;
        await foreach (var e in events)
        {
            last = e;
        }

        return (last as JobEvent.Ended)?.View;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in Enumerable.Reverse(_nodes))
        {
            await node.DisposeAsync();
        }
    }

    private InProcessNode Start(string roles, InProcessNode? seed = null, bool abrupt = false)
    {
        var node = InProcessNode.Start(roles, workers: 1, seed, abrupt ? InProcessNode.Abrupt : null);
        _nodes.Add(node);
        return node;
    }

    /// <summary>
    /// A node whose links a test can cut (the throttler adapter, which shows in its address), with downing too slow
    /// to happen within a test; it stops without leaving, which a cluster with an unreachable member could not finish.
    /// </summary>
    private InProcessNode StartCuttable(string roles, InProcessNode? seed = null)
    {
        // The settings take the seed's address as it would be without the adapter; the actor system, as it is.
        var plain = seed is null ? null : seed.Address.ToString().Replace("akka.trttl.tcp://", "akka.tcp://", StringComparison.Ordinal);
        var seeds = seed is null ? "[]" : $"[\"{seed.Address}\"]";
        var node = InProcessNode.Start(
            TestConfig.NodeConfiguration(roles, workers: 1, plain),
            ConfigurationFactory.ParseString($"""
                akka.remote.dot-netty.tcp.applied-adapters = [trttl]
                akka.cluster.split-brain-resolver.stable-after = 10m
                akka.cluster.seed-nodes = {seeds}
                """).WithFallback(InProcessNode.Abrupt));
        _nodes.Add(node);
        return node;
    }
}
