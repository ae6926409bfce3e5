using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Testing;

namespace PrimeCluster.Actors.Tests;

/// <summary>
/// Workers whose kernels lie, beside honest ones, in clusters of separate actor systems on loopback: no wrong tally
/// counts, the liar's node is reported, and the job ends exact.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class VerificationSpecs : IAsyncLifetime
{
    /// <summary>A random sequence whose third answer is its first wrong one, of about one in a hundred.</summary>
    private const int LiarSeed = 59;

    private readonly List<InProcessNode> _nodes = [];

    [Theory]
    [InlineData(Algorithm.Trial, 1.0)]
    [InlineData(Algorithm.Trial, 0.01)]
    [InlineData(Algorithm.Sieve, 1.0)]
    [InlineData(Algorithm.Sieve, 0.01)]
    public async Task A_lying_worker_should_be_caught_its_node_reported_and_the_job_end_exact(Algorithm algorithm, double lieShare)
    {
        var liar = lieShare >= 1 ? LyingKernel.Instant(algorithm) : LyingKernel.Sometimes(algorithm, lieShare, LiarSeed);
        var (seed, honest, lying) = await StartClusterAsync(liar);
        var log = WarningsOf(seed);
        var range = algorithm == Algorithm.Trial ? new NumberRange(1, 600_000) : new NumberRange(1, 20_000_000);

        var id = (await seed.Client.SubmitAsync(new JobSpec(range, algorithm, Batches: 300))).Id;
        var view = await seed.Client.AwaitAsync(id).WaitAsync(Until.Bound);

        Assert.True(liar.Lies > 0, "the liar should have lied");
        Assert.Equal(JobState.Done, view!.State);
        Assert.Equal(SieveKernel.Instance.Count(range.From, range.Til), view.Result);
        var workers = await seed.Client.WorkerListAsync();
        Assert.Equal([new ClusterProtocol.NodeMismatches(lying.Address, 1)], workers.Mismatches);
        Assert.DoesNotContain(workers.Mismatches, n => n.Node == honest.Address);
        var line = Assert.Single(log, l => l.Contains("reported a wrong tally", StringComparison.Ordinal));
        Assert.Contains(lying.Address.ToString(), line, StringComparison.Ordinal);
        Assert.Matches(@"claimed \(\d+, \d+\) for batch \d+ \(\[\d+, \d+\]\), whose true tally is \(\d+, \d+\)", line);
    }

    [Fact]
    public async Task A_liar_caught_on_a_sampled_sieve_batch_should_have_all_it_counted_unchecked_counted_again_and_the_job_end_exact()
    {
        // A quarter of the sieve results sampled, the rest counted as reported. The liar starts alone, so it is handed
        // every batch until it is caught, and it is caught unless none of the 200 is sampled: 0.75^200 < 1e-24 (73
        // batches would do for 1e-9). Until then its unsampled (7, 7)s count; the honest worker joins once it is out.
        var seed = Start("seed", extra: ConfigurationFactory.ParseString("primecluster.verify.sieve-share = 0.25"));
        var liar = LyingKernel.Instant(Algorithm.Sieve);
        var lying = Start("worker", seed, kernels: liar.AsSource());
        await Until.WorkersAsync(seed, 1);
        var log = WarningsOf(seed);
        var range = new NumberRange(1, 20_000_000);

        var id = (await seed.Client.SubmitAsync(new JobSpec(range, Algorithm.Sieve, Batches: 200))).Id;
        await Until.TrueAsync(async () => (await seed.Client.WorkerListAsync()).Workers.Any(w => w.Node == lying.Address && w.Excluded)
            || (await seed.Client.GetAsync(id))!.State.IsTerminal());
        Assert.False((await seed.Client.GetAsync(id))!.State.IsTerminal(), "the job ended before the liar was caught");
        await Until.TrueAsync(() => Task.FromResult(log.Any(l => l.Contains($"Job {id}: every worker of the cluster (1) is excluded from it for wrong tallies of its own; the job waits for another worker", StringComparison.Ordinal))));
        var honest = Start("worker", seed);
        var view = await seed.Client.AwaitAsync(id).WaitAsync(Until.Bound);

        Assert.Equal(JobState.Done, view!.State);
        Assert.Equal(SieveKernel.Instance.Count(range.From, range.Til), view.Result);
        Assert.Equal([new ClusterProtocol.NodeMismatches(lying.Address, 1)], (await seed.Client.WorkerListAsync()).Mismatches);
        var line = Assert.Single(log, l => l.Contains("reported a wrong tally", StringComparison.Ordinal));
        Assert.Matches(@"\d+ counted from it unchecked are counted again", line);
        Assert.DoesNotContain(log, l => l.Contains(honest.Address.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_worker_excluded_mid_job_should_show_as_such_until_the_job_ends()
    {
        // The liar answers at once and is caught on its first batch; the honest worker takes a while over the rest.
        var (seed, _, lying) = await StartClusterAsync(LyingKernel.Instant(Algorithm.Trial));
        var id = (await seed.Client.SubmitAsync(new JobSpec(new NumberRange(1, 1_500_000), Batches: 40))).Id;

        await Until.TrueAsync(async () => (await seed.Client.WorkerListAsync()).Workers.Any(w => w.Node == lying.Address && w.Excluded)
            || (await seed.Client.GetAsync(id))!.State.IsTerminal());
        var during = await seed.Client.WorkerListAsync();
        await seed.Client.AwaitAsync(id).WaitAsync(Until.Bound);
        var after = await seed.Client.WorkerListAsync();

        Assert.Contains(during.Workers, w => w.Node == lying.Address && w.Excluded);
        Assert.DoesNotContain(during.Workers, w => w.Node != lying.Address && w.Excluded);
        Assert.DoesNotContain(after.Workers, w => w.Excluded);
    }

    [Fact]
    public async Task A_job_that_lost_every_worker_for_one_liar_on_their_node_should_take_the_others_back_and_end_exact()
    {
        // One node of two workers, the first answer of either wrong: the liar is caught, and its node's other worker,
        // registered by then, is excluded with it. The job has no other worker: it takes the other back.
        var seed = Start("seed", extra: ConfigurationFactory.ParseString("primecluster.verify.trial-share = 1.0"));
        var liar = LyingKernel.First(Algorithm.Trial, 1);
        var node = Start("worker", seed, kernels: liar.AsSource(), workers: 2);
        await Until.WorkersAsync(seed, 2);
        var log = WarningsOf(seed);
        var range = new NumberRange(1, 600_000);

        var id = (await seed.Client.SubmitAsync(new JobSpec(range, Algorithm.Trial, Batches: 300))).Id;
        var view = await seed.Client.AwaitAsync(id).WaitAsync(Until.Bound);

        Assert.Equal(1, liar.Lies);
        Assert.Equal(JobState.Done, view!.State);
        Assert.Equal(SieveKernel.Instance.Count(range.From, range.Til), view.Result);
        Assert.Equal(1, view.Workers);
        Assert.Equal([new ClusterProtocol.NodeMismatches(node.Address, 1)], (await seed.Client.WorkerListAsync()).Mismatches);
        Assert.Single(log, l => l.Contains("reported a wrong tally", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.Contains("the job waits for another worker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_worker_excluded_for_a_liar_on_its_node_should_be_taken_back_once_the_liar_is_gone()
    {
        // The liar's node has two workers; another node's one worker takes batches and never finishes one, so that
        // only the liar's node-mate, taken back, can end the job (racing copies of what that worker holds).
        var seed = Start("seed", extra: ConfigurationFactory.ParseString("primecluster.verify.trial-share = 1.0"));
        var liar = LyingKernel.First(Algorithm.Trial, 1);
        var lying = Start("worker", seed, kernels: liar.AsSource(), workers: 2);
        using var stuck = new StuckKernel();
        var slow = Start("worker", seed, kernels: _ => stuck);
        await Until.WorkersAsync(seed, 3);
        var log = WarningsOf(seed);
        var range = new NumberRange(1, 300_000);

        var id = (await seed.Client.SubmitAsync(new JobSpec(range, Algorithm.Trial, Batches: 100))).Id;
        await Until.TrueAsync(async () => (await seed.Client.WorkerListAsync()).Workers.Count(w => w.Node == lying.Address && w.Excluded) == 2);
        Assert.False((await seed.Client.GetAsync(id))!.State.IsTerminal(), "the job ended with both workers of the liar's node excluded");
        var caught = Regex.Match(Assert.Single(log, l => l.Contains("reported a wrong tally", StringComparison.Ordinal)), @"worker (/user/\S+) claimed").Groups[1].Value;
        lying.System.ActorSelection(caught).Tell(PoisonPill.Instance);
        var view = await seed.Client.AwaitAsync(id).WaitAsync(Until.Bound);

        Assert.Equal(JobState.Done, view!.State);
        Assert.Equal(SieveKernel.Instance.Count(range.From, range.Til), view.Result);
        Assert.Equal(0, stuck.Answers);
        Assert.Equal([new ClusterProtocol.NodeMismatches(lying.Address, 1)], (await seed.Client.WorkerListAsync()).Mismatches);
    }

    [Fact]
    public async Task A_node_should_be_downed_after_the_configured_number_of_wrong_tallies_and_every_job_end_exact()
    {
        var (seed, honest, lying) = await StartClusterAsync(LyingKernel.Instant(Algorithm.Trial), "primecluster.verify.mismatches-before-down = 2");
        var range = new NumberRange(1, 300_000);

        var first = await seed.Client.AwaitAsync((await seed.Client.SubmitAsync(new JobSpec(range, Batches: 30))).Id).WaitAsync(Until.Bound);
        Assert.Equal(SieveKernel.Instance.Count(range.From, range.Til), first!.Result);
        Assert.Equal(MemberUp(seed, lying), true);

        var second = await seed.Client.AwaitAsync((await seed.Client.SubmitAsync(new JobSpec(range, Batches: 30))).Id).WaitAsync(Until.Bound);
        Assert.Equal(SieveKernel.Instance.Count(range.From, range.Til), second!.Result);

        await lying.System.WhenTerminated.WaitAsync(Until.Bound);
        await Until.TrueAsync(() => Task.FromResult(MemberUp(seed, lying) is null));
        Assert.Equal([new ClusterProtocol.NodeMismatches(lying.Address, 2)], (await seed.Client.WorkerListAsync()).Mismatches);
        Assert.Equal(MemberUp(seed, honest), true);
    }

    [Fact]
    public async Task An_honest_cluster_checking_every_result_should_never_report_a_mismatch()
    {
        var (seed, _, _) = await StartClusterAsync(liar: null);
        var log = WarningsOf(seed);

        foreach (var spec in new[]
                 {
                     new JobSpec(new NumberRange(1, 400_000), Algorithm.Trial, Batches: 100),
                     new JobSpec(new NumberRange(0, 30_000_000), Algorithm.Sieve, Batches: 300),
                     new JobSpec(new NumberRange(ulong.MaxValue - 3_000, ulong.MaxValue), Algorithm.Sieve, Batches: 20),
                 })
        {
            var view = await seed.Client.AwaitAsync((await seed.Client.SubmitAsync(spec)).Id).WaitAsync(Until.Bound);
            Assert.Equal(SieveKernel.Instance.Count(spec.Range.From, spec.Range.Til), view!.Result);
        }

        var workers = await seed.Client.WorkerListAsync();
        Assert.Empty(workers.Mismatches);
        Assert.DoesNotContain(workers.Workers, w => w.Excluded);
        Assert.DoesNotContain(log, l => l.Contains("wrong tall", StringComparison.Ordinal));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in Enumerable.Reverse(_nodes))
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>
    /// A seed (the coordinator, no workers) checking every result, an honest worker node and a worker node whose
    /// kernel is <paramref name="liar"/> (honest too when null), one worker actor each, all Up.
    /// </summary>
    private async Task<(InProcessNode Seed, InProcessNode Honest, InProcessNode Lying)> StartClusterAsync(LyingKernel? liar, string seedConfig = "")
    {
        var seed = Start("seed", extra: ConfigurationFactory.ParseString($"""
            primecluster.verify.trial-share = 1.0
            primecluster.verify.sieve-share = 1.0
            {seedConfig}
            """));
        var honest = Start("worker", seed);
        var lying = Start("worker", seed, kernels: liar?.AsSource());
        await Until.WorkersAsync(seed, 2);
        await Until.UpAsync(seed, 3);
        return (seed, honest, lying);
    }

    private InProcessNode Start(string roles, InProcessNode? seed = null, Config? extra = null, Func<Algorithm, IPrimeKernel>? kernels = null, int workers = 1)
    {
        var node = InProcessNode.Start(roles, workers, seed, extra, kernels);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Whether <paramref name="seed"/> sees <paramref name="node"/> Up; null when it is no longer a member.</summary>
    private static bool? MemberUp(InProcessNode seed, InProcessNode node) =>
        Akka.Cluster.Cluster.Get(seed.System).State.Members.FirstOrDefault(m => m.Address == node.Address) is { } member
            ? member.Status == Akka.Cluster.MemberStatus.Up
            : null;

    /// <summary>The warnings and errors a node logs from now on.</summary>
    private static ConcurrentQueue<string> WarningsOf(InProcessNode node)
    {
        var lines = new ConcurrentQueue<string>();
        var recorder = node.System.ActorOf(Props.Create(() => new LogRecorder(lines)));
        node.System.EventStream.Subscribe(recorder, typeof(Warning));
        node.System.EventStream.Subscribe(recorder, typeof(Error));
        return lines;
    }

    private sealed class LogRecorder : ReceiveActor
    {
        public LogRecorder(ConcurrentQueue<string> lines) => Receive<LogEvent>(e => lines.Enqueue(e.ToString()));
    }

    /// <summary>A kernel that never answers until cancelled, or until disposed, when the test ends.</summary>
    private sealed class StuckKernel : IPrimeKernel, IDisposable
    {
        private readonly ManualResetEventSlim _released = new();
        private int _answers;

        public Algorithm Algorithm => Algorithm.Trial;

        public int Answers => Volatile.Read(ref _answers);

        public Tally Count(ulong from, ulong til, CancellationToken cancellationToken = default)
        {
            _released.Wait(cancellationToken);
            Interlocked.Increment(ref _answers);
            return PrimeKernels.For(Algorithm.Trial).Count(from, til, cancellationToken);
        }

        public void Dispose() => _released.Set();
    }
}
