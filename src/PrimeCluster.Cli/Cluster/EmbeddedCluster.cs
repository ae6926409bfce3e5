using Akka.Configuration;
using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Hosting;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;

namespace PrimeCluster.Cli.Cluster;

/// <summary>
/// A one-node cluster in this process, on loopback, with the coordinator and local workers: jobs run through the same
/// actors as on a real cluster.
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

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
        var node = ClusterConfig.Build(new NodeSettings
            {
                BindHost = "127.0.0.1",
                PublicHost = "127.0.0.1",
                Port = "0",
                Seeds = string.Empty,
                Roles = $"{ClusterConfig.SeedRole},{ClusterConfig.WorkerRole}",
                Workers = workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            })
            .WithHocon(ConfigurationFactory.ParseString("""
                # Results go to stdout; only errors are logged, to stderr.
                akka.loglevel = ERROR
                akka.stdout-loglevel = OFF
                # No other seed could take a job over: nothing to checkpoint.
                primecluster.jobs.checkpoints = off
                # The command line asks before a costly job itself.
                primecluster.jobs.cost-limit = 0
                # Nothing to hand back once the job is over: stop at once.
                akka.coordinated-shutdown.run-by-actor-system-terminate = off
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                # A one-node cluster starts sooner when its leader moves it to Up, and its workers find the coordinator,
                # on a shorter tick than a cluster of many nodes needs (half a second saved at start on average).
                akka.cluster.leader-actions-interval = 100ms
                akka.cluster.singleton-proxy.singleton-identification-interval = 100ms
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

            var cluster = new EmbeddedCluster(host, client, workers);

            // One small job through every actor first, so that the user's job runs on compiled code, as on a node
            // that has been up a while.
            await cluster.Runner.RunAsync(new JobSpec(new NumberRange(4_000, 60_000), Batches: 4 * workers), null, timeout.Token).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}
