using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Configuration;
using Akka.DistributedData;
using Akka.Event;
using Akka.Hosting;
using Akka.Remote.Hosting;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Coordination;
using PrimeCluster.Actors.Diagnostics;
using PrimeCluster.Actors.Logging;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Actors.Security;
using PrimeCluster.Actors.Serialization;
using PrimeCluster.Actors.Workers;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Actors.Hosting;

/// <summary>The coordinator proxy, as registered with Akka.Hosting's actor registry.</summary>
public sealed class CoordinatorKey;

/// <summary>
/// How every PrimeCluster node is put together, whether it runs in primecluster-node, in the embedded cluster of
/// <c>primecluster run</c>, or in a test: cluster.hocon as the base, and what the node computed from its settings
/// (addresses, roles, seeds, TLS) through Akka.Hosting's options on top.
/// </summary>
public static class AkkaConfiguration
{
    public const string CoordinatorName = "coordinator";

    /// <param name="kernels">The workers' kernel for each algorithm; <see cref="PrimeKernels.For"/> unless a test says otherwise.</param>
    /// <param name="journal">
    /// The seed's job journal, opened by the caller, who keeps it across actor systems; else the journal in
    /// <see cref="NodeConfiguration.DataDir"/> is opened here and closed with the actor system.
    /// </param>
    public static AkkaConfigurationBuilder AddPrimeCluster(this AkkaConfigurationBuilder builder, NodeConfiguration node, Func<Algorithm, IPrimeKernel>? kernels = null, JournalStore? journal = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(node);
        var settings = PrimeClusterSettings.From(node.Hocon);
        builder
            .AddHocon(node.Hocon, HoconAddMode.Append)
            .WithPrimeClusterLogging(node.Hocon)
            .WithProtocolSerializer(node.Tls);

        if (node.Standalone)
        {
            // Nothing else will join: the coordinator is a plain actor, reached directly, and there are no seeds to
            // replicate checkpoints to, nor heartbeats for the kernels to make way for.
            settings = settings with { Checkpoints = false, ComputeNice = 0 };
            builder.WithActors((system, registry) => registry.Register<CoordinatorKey>(system.ActorOf(CoordinatorActor.Props(settings), CoordinatorName)));
        }
        else
        {
            AddClustering(builder, node, settings, journal);
        }

        if (node.HasRole(ClusterConfig.WorkerRole))
        {
            builder.WithActors((system, registry) => StartWorkers(system, registry.Get<CoordinatorKey>(), settings, kernels));
        }

        return node.Standalone ? builder : builder.WithActors((system, _) => JoinCluster(system));
    }

    /// <summary>
    /// Starts the seed's replica of the job journal: on disk in <paramref name="journal"/>, or in
    /// <paramref name="dataDir"/> (opened and checked here, before the actor system reads it), or in memory only without one.
    /// </summary>
    private static void WithJournal(AkkaConfigurationBuilder builder, string? dataDir, JournalStore? journal)
    {
        var store = journal ?? (dataDir is null ? null : JournalStore.Open(dataDir));
        if (store is not null)
        {
            builder.AddHocon(store.Hocon(), HoconAddMode.Prepend);
        }

        builder.WithActors((system, _) =>
        {
            var log = Akka.Event.Logging.GetLogger(system, typeof(JobJournal));
            var replicator = DistributedData.Get(system).Replicator;
            if (store is null)
            {
                log.Warning("Job journal in memory only (DATA_DIR is none, or unset with the cluster port picked at random): losing every seed loses the jobs");
                return;
            }

            if (journal is null)
            {
                system.RegisterOnTermination(store.Dispose);
            }

            system.ActorOf(JournalGuard.Props(replicator, store), "journal-guard");
            log.Info("Job journal on disk: {0}", store.File);
        });
    }

    /// <summary>
    /// Akka's log through the host's logging (<see cref="AkkaLogForwarder"/>), and Akka's fallback for when no logger
    /// runs in the same format on stdout (<see cref="StandardOutputLogger"/>, unless the host says
    /// <see cref="WithFallbackLogger{T}"/>), at the level <c>akka.loglevel</c> of <paramref name="hocon"/> gives.
    /// </summary>
    public static AkkaConfigurationBuilder WithPrimeClusterLogging(this AkkaConfigurationBuilder builder, Config hocon)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(hocon);
        return builder
            .WithFallbackLogger<StandardOutputLogger>()
            .ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = NodeLogging.AkkaLevel(hocon);
                loggers.ClearLoggers();
                loggers.AddLogger<AkkaLogForwarder>();
            });
    }

    /// <summary>Akka's fallback logger, on the stream of the host's console.</summary>
    public static AkkaConfigurationBuilder WithFallbackLogger<T>(this AkkaConfigurationBuilder builder)
        where T : FallbackLogger
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddHocon(ConfigurationFactory.ParseString(FallbackLogger.Setting<T>()), HoconAddMode.Prepend);
    }

    /// <summary>
    /// Messages between nodes in <see cref="ProtocolSerializer"/>'s compact form; with <paramref name="tls"/>, the client
    /// protocol's requests under a seed's seal (<see cref="ClientRequestSeal"/>).
    /// </summary>
    public static AkkaConfigurationBuilder WithProtocolSerializer(this AkkaConfigurationBuilder builder, ClusterTls? tls = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var seal = tls is null ? null : ClientRequestSeal.For(tls);
        return builder.WithCustomSerializer(ProtocolSerializer.Alias, [typeof(IClusterMessage)], system => new ProtocolSerializer(system, seal));
    }

    /// <summary>Remoting, the cluster, and the coordinator as its singleton on the seed role.</summary>
    private static void AddClustering(AkkaConfigurationBuilder builder, NodeConfiguration node, PrimeClusterSettings settings, JournalStore? journal)
    {
        var singleton = new ClusterSingletonOptions { Role = ClusterConfig.SeedRole };
        builder
            .WithRemoting(RemoteOptions(node))
            .WithClustering(new ClusterOptions { Roles = [.. node.Roles], SeedNodes = [.. node.Seeds] });

        if (node.HasRole(ClusterConfig.SeedRole))
        {
            // Every seed keeps a replica of the job checkpoints, whether or not it holds the coordinator now.
            if (settings.Checkpoints)
            {
                WithJournal(builder, node.DataDir, journal);
            }

            builder.WithSingleton<CoordinatorKey>(CoordinatorName, CoordinatorActor.Props(settings), singleton);
        }
        else
        {
            builder.WithSingletonProxy<CoordinatorKey>(CoordinatorName, singleton);
        }
    }

    /// <summary>
    /// The membership log and metrics, and on a node without the seed role the watch that has it join the seeds again
    /// once they have all left; with no seed-nodes configured, a seed forms a cluster of its own, at whatever port it was given.
    /// </summary>
    private static void JoinCluster(ActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        system.ActorOf(MembershipLog.Props(), "membership-log");
        MembershipLog.LogStopping(system);
        ClusterMetrics.Observe(system);
        if (!cluster.SelfRoles.Contains(ClusterConfig.SeedRole))
        {
            system.ActorOf(SeedWatch.Props(), "seed-watch");
        }

        if (system.Settings.Config.GetStringList("akka.cluster.seed-nodes").Count == 0)
        {
            cluster.Join(cluster.SelfAddress);
        }
    }

    private static RemoteOptions RemoteOptions(NodeConfiguration node)
    {
        var options = new RemoteOptions
        {
            HostName = node.BindHost,
            PublicHostName = node.PublicHost,
            Port = node.Port,
            EnableSsl = node.Tls is not null,
        };
        if (node.Tls is { } tls)
        {
            options.Ssl = new SslOptions
            {
                X509Certificate = tls.Certificate,
                RequireMutualAuthentication = true,
                SuppressValidation = false,

                // Peers are checked against the cluster's CA, not by host name: addresses change (containers, IPs),
                // and one certificate may serve many nodes.
                ValidateCertificateHostname = false,
                CustomValidator = tls.ValidatePeer,
            };
        }

        return options;
    }

    private static void StartWorkers(ActorSystem system, IActorRef coordinator, PrimeClusterSettings settings, Func<Algorithm, IPrimeKernel>? kernels)
    {
        var scheduler = new ComputeScheduler(settings.WorkersPerNode, "primecluster-worker", settings.ComputeNice);
        system.RegisterOnTermination(scheduler.Dispose);
        var workers = Enumerable.Range(0, settings.WorkersPerNode)
            .Select(i => system.ActorOf(WorkerActor.Props(coordinator, scheduler, settings, kernels), $"worker-{i}"))
            .ToList();

        // Leaving gracefully: every worker finishes its batch and hands back the rest before the node leaves.
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeClusterShutdown, "hand-back-batches", async () =>
        {
            var timeout = TimeSpan.FromSeconds(10);
            var drained = await Task.WhenAll(workers.Select(w => w.Ask<WorkerActor.Drained>(WorkerActor.Drain.Instance, timeout)
                .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default))).ConfigureAwait(false);
            var handedBack = drained.Sum(d => d?.HandedBack ?? 0);
            var late = drained.Count(d => d is null);
            Akka.Event.Logging.GetLogger(system, typeof(WorkerActor)).Info(
                "Leaving: waiting batches handed back: {0}; {1}",
                handedBack,
                late == 0 ? "the ones being computed are done" : $"workers still computing after {timeout.TotalSeconds:0} s: {late} of {workers.Count}");
            return Akka.Done.Instance;
        });
    }
}
