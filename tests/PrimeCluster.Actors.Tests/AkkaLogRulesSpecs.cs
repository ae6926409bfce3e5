using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Akka.Actor;
using Akka.Event;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Logging;
using PrimeCluster.Actors.Coordination;
using PrimeCluster.Actors.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace PrimeCluster.Actors.Tests;

/// <summary>
/// What Akka's log events become in a node's log, as the loggers receive them: Akka's sources are logged under the
/// names Akka gives them (text sources, as Akka's own are), and the events carry what Akka puts in them.
/// </summary>
public sealed class AkkaLogRulesSpecs : TestKit
{
    private const string Peer = "akka.tcp://primecluster@127.0.0.1:4054";
    private readonly AkkaLogRules _rules = new();

    public AkkaLogRulesSpecs()
        : base("akka.loglevel = DEBUG")
    {
        Sys.EventStream.Subscribe(TestActor, typeof(LogEvent));
    }

    [Fact]
    public async Task A_peer_closing_its_connection_as_it_leaves_should_be_at_debug_not_an_error()
    {
        var disassociated = Disassociated();

        // Akka.Remote's endpoint supervisor, as its child fails with the connection closed: a warning, then the failure
        // its supervisor strategy logs as an error.
        Akka.Event.Logging.GetLogger(Sys, "ReliableDeliverySupervisor").Warning(
            "Association with remote system {0} has failed; address is now gated for {1} ms. Reason is: [{2}]", Peer, 5000, disassociated);
        var gated = await LineAsync("ReliableDeliverySupervisor");
        Sys.EventStream.Publish(new Error(disassociated, "akka://primecluster/system/endpointManager/reliableEndpointWriter/endpointWriter", typeof(OneForOneStrategy), "Disassociated"));
        var stopped = await LineAsync("akka://primecluster/system/endpointManager");

        Assert.Equal((LogLevel.Debug, "Akka.ReliableDeliverySupervisor"), (gated.Level, gated.Category));
        Assert.Equal((LogLevel.Debug, "Akka.OneForOneStrategy"), (stopped.Level, stopped.Category));
    }

    [Fact]
    public async Task Another_failure_should_stay_an_error_with_its_exception()
    {
        var boom = new InvalidOperationException("boom");

        Sys.EventStream.Publish(new Error(boom, "akka://primecluster/user/coordinator/coordinator/job-1", typeof(OneForOneStrategy), "boom"));
        var line = await LineAsync("akka://primecluster/user/coordinator");

        Assert.Equal(new LogLine(LogLevel.Error, "Akka.OneForOneStrategy", "boom", boom), line);
    }

    [Fact]
    public async Task The_steps_of_a_join_should_be_at_debug_and_what_is_not_routine_at_information()
    {
        var cluster = Akka.Event.Logging.GetLogger(Sys, "Cluster");

        cluster.Info("Cluster Node [{0}] - {1}", Peer, "No seed-nodes configured, manual cluster join required");
        var noSeeds = await LineAsync("Cluster");
        cluster.Info("Cluster Node [{2}] - Node [{0}] is JOINING, roles [{1}], version [0.1.0]", Peer, "worker", Peer);
        var joining = await LineAsync("Cluster");
        cluster.Info("Cluster Node [{2}] - Leader is moving node [{0}] to [{1}]", Peer, "Up", Peer);
        var moved = await LineAsync("Cluster");
        cluster.Info("Cluster Node [{2}] - Node [{0}] is JOINING itself (with roles [{1}], version [0.1.0]) and forming a new cluster", Peer, "seed", Peer);
        var forming = await LineAsync("Cluster");
        cluster.Info("Cluster Node [{2}] - Marking unreachable node [{0}] as [{1}]", Peer, "Down", Peer);
        var downed = await LineAsync("Cluster");

        Assert.Equal([LogLevel.Debug, LogLevel.Debug, LogLevel.Debug], new[] { noSeeds.Level, joining.Level, moved.Level });
        Assert.Equal((LogLevel.Information, "Akka.Cluster"), (forming.Level, forming.Category));
        Assert.Equal(LogLevel.Information, downed.Level);
    }

    [Fact]
    public async Task Singleton_chatter_should_stay_out_of_the_nodes_log_and_its_warnings_should_stay_in()
    {
        Akka.Event.Logging.GetLogger(Sys, "ClusterSingletonProxy").Info("Singleton identified at [{0}]", "akka://primecluster/user/coordinator/coordinator");
        var identified = await LineAsync("ClusterSingletonProxy");
        Akka.Event.Logging.GetLogger(Sys, "ClusterSingletonManager").Warning("Singleton not stopped within {0}", "15 s");
        var late = await LineAsync("ClusterSingletonManager");
        using var log = LoggerFactory.Create(logging => AkkaLogRules.AddRoutineCategoryFilters(logging.SetMinimumLevel(LogLevel.Information), LogLevel.Information).AddProvider(new EveryLevel()));

        Assert.Equal((LogLevel.Information, "Akka.ClusterSingletonProxy"), (identified.Level, identified.Category));
        Assert.False(log.CreateLogger(identified.Category).IsEnabled(identified.Level));
        Assert.True(AkkaLogRules.IsRoutine(identified));
        Assert.Equal(LogLevel.Warning, late.Level);
        Assert.True(log.CreateLogger(late.Category).IsEnabled(late.Level));
        Assert.False(AkkaLogRules.IsRoutine(late));
    }

    [Fact]
    public void At_debug_the_nodes_log_should_show_routine_categories_too()
    {
        using var log = LoggerFactory.Create(logging => AkkaLogRules.AddRoutineCategoryFilters(logging.SetMinimumLevel(LogLevel.Debug), LogLevel.Debug).AddProvider(new EveryLevel()));

        Assert.True(log.CreateLogger("Akka.remoting").IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public void Every_word_the_rules_match_should_still_be_in_the_akka_that_logs_it()
    {
        var literals = new[] { typeof(ActorSystem), typeof(Akka.Cluster.Cluster), typeof(Akka.Remote.RemoteSettings) }.SelectMany(t => Literals(t.Assembly)).ToList();

        var words = AkkaLogRules.Chatter.Values.Concat(AkkaLogRules.HarmlessWarnings.Values).SelectMany(w => w).ToList();

        Assert.NotEmpty(words);
        Assert.All(words, word => Assert.Contains(literals, literal => literal.Contains(word, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task PrimeClusters_own_classes_should_log_under_PrimeCluster()
    {
        Akka.Event.Logging.GetLogger(Sys, typeof(CoordinatorActor)).Warning("Node {0} has reported {1} wrong tallies", Peer, 1);

        var line = await LineAsync(typeof(CoordinatorActor).Name);

        Assert.Equal(new LogLine(LogLevel.Warning, "PrimeCluster.CoordinatorActor", $"Node {Peer} has reported 1 wrong tallies"), line);
    }

    [Fact]
    public async Task A_refused_connection_should_still_come_down_to_one_line_per_peer()
    {
        var check = Akka.Event.Logging.GetLogger(Sys, "ClusterCertificateCheck");

        check.Warning(TransportRefusals.RefusedFrom, "10.1.2.3", "it presented no certificate");
        var first = _rules.Apply(await FishAsync("ClusterCertificateCheck"));
        check.Warning(TransportRefusals.RefusedFrom, "10.1.2.3", "it presented no certificate");
        var again = _rules.Apply(await FishAsync("ClusterCertificateCheck"));

        Assert.Equal(new LogLine(LogLevel.Warning, AkkaLogRules.TransportCategory, "refused a cluster connection from 10.1.2.3: it presented no certificate"), first);
        Assert.Null(again);
    }

    /// <summary>The string literals of an assembly's code (its #US heap).</summary>
    private static IEnumerable<string> Literals(System.Reflection.Assembly assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly.Location));
        var metadata = pe.GetMetadataReader();
        var literals = new List<string>();
        for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = metadata.GetNextHandle(handle))
        {
            literals.Add(metadata.GetUserString(handle));
        }

        return literals;
    }

    /// <summary>What Akka.Remote throws when a peer closes the connection (internal to it).</summary>
    private static Exception Disassociated() =>
        (Exception)Activator.CreateInstance(typeof(Akka.Remote.RemoteSettings).Assembly.GetType("Akka.Remote.EndpointDisassociatedException", throwOnError: true)!, "Disassociated")!;

    /// <summary>A logger provider that would write every level: what the host's filters let through is what shows.</summary>
    private sealed class EveryLevel : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public void Dispose()
        {
        }
    }

    private async Task<LogLine> LineAsync(string source) =>
        _rules.Apply(await FishAsync(source)) ?? throw new InvalidOperationException($"The rules dropped the event of {source}.");

    /// <summary>The next event of <paramref name="source"/> (a text source, or a class's name), past the system's own.</summary>
    private ValueTask<LogEvent> FishAsync(string source) =>
        FishForMessageAsync<LogEvent>(e => e.LogSource.StartsWith(source, StringComparison.Ordinal) || e.LogClass?.Name == source, TimeSpan.FromSeconds(5));
}
