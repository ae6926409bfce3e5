using Akka.Configuration;
using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Hosting;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Cli.Cluster;

/// <summary>
/// A one-node cluster in this process, with the coordinator and local workers: jobs run through the same actors as on a
/// real cluster. Nothing else joins it, so it runs them on a local actor system, with no cluster port, no joining and no
/// leaving (<see cref="NodeConfiguration.Standalone"/>): it is ready in a fraction of the time a cluster node takes.
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private static readonly NumberRange WarmUpRange = new(4_000, 60_000);

    private readonly ClusterNodeHost _node;

    private EmbeddedCluster(ClusterNodeHost node, CoordinatorClient client, int workers)
    {
        _node = node;
        Client = client;
        Runner = new ClusterJobRunner(client, node.System, workers);
    }

    public CoordinatorClient Client { get; }

    public ClusterJobRunner Runner { get; }

    /// <summary>Starts the node and returns once all its workers have registered with the coordinator.</summary>
    public static async Task<EmbeddedCluster> StartAsync(int workers, CancellationToken cancellationToken)
    {
        var node = ClusterConfig.BuildStandalone(workers)
            .WithHocon(ConfigurationFactory.ParseString("""
                # Results go to stdout; only errors are logged, to stderr.
                akka.loglevel = ERROR
                akka.stdout-loglevel = OFF
                # The command line asks before a costly job itself.
                primecluster.jobs.cost-limit = 0
                # Nothing to hand back once the job is over: stop at once.
                akka.coordinated-shutdown.run-by-actor-system-terminate = off
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                """));

        var host = await ClusterNodeHost.StartAsync(node, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            var client = new CoordinatorClient(host.Coordinator);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StartTimeout);
            while ((await client.WorkersAsync(timeout.Token).ConfigureAwait(false)).Count < workers)
            {
                await Task.Delay(20, timeout.Token).ConfigureAwait(false);
            }

            return new EmbeddedCluster(host, client, workers);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Whether a job takes long enough for <see cref="WarmUpAsync"/> to matter to its figures: longer than the warm-up
    /// job, on one core. A shorter job's time is mostly the first run of the code anyway, and the warm-up would double it.
    /// A natively compiled client has no first run to hide.
    /// </summary>
    public static bool WarmsUpFor(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return WarmUp.IsNeeded && CostModel.EstimateSeconds(spec.Range, spec.Algorithm) > CostModel.EstimateSeconds(WarmUpRange, Algorithm.Trial);
    }

    /// <summary>
    /// Every kernel compiled (a worker compiles only the one its first batch needs, as that batch runs), then one small
    /// job through every actor, so that the jobs after it run on compiled code, as on a node that has been up a while.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        await Task.Run(WarmUp.EnsureDone, cancellationToken).ConfigureAwait(false);
        await Runner.RunAsync(new JobSpec(WarmUpRange, Batches: 4 * Runner.Workers), null, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}
