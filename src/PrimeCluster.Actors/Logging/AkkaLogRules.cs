using Akka.Event;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace PrimeCluster.Actors.Logging;

/// <summary>
/// What an Akka log event becomes in a node's log: its category (the class that logged it, Akka's or PrimeCluster's),
/// its level, and for connections refused on the cluster port one short line per peer (<see cref="TransportRefusals"/>).
/// What Akka says about normal events goes to debug: the steps of a node joining or leaving, a singleton found or
/// handed over, the transport of a peer that left closing its connection (an error with a stack trace in Akka's own
/// words). <see cref="MembershipLog"/> says what a person cares about of them, one line each. Attempts to reach a node or
/// join the seeds that keep failing are logged once in a while (<see cref="ConnectAttempts"/>). Each logger holds one.
/// </summary>
public sealed class AkkaLogRules(TransportRefusals? refusals = null, ConnectAttempts? attempts = null)
{
    /// <summary>The category of the one line a refused connection comes down to.</summary>
    public const string TransportCategory = "PrimeCluster.ClusterTransport";

    /// <summary>
    /// Akka's information at debug, by category: every message of the category when no fragment is given, else the
    /// messages that contain one of them.
    /// </summary>
    private static readonly Dictionary<string, string[]> Chatter = new(StringComparer.Ordinal)
    {
        // Starting and stopping the transport, its buffers per peer: the node's own lines say where it listens.
        ["Akka.remoting"] = [],
        ["Akka.remoting-terminator"] = [],
        ["Akka.ReliableDeliverySupervisor"] = [],

        // The steps of a join, a leave and a shutdown, which MembershipLog sums up. What is not normal stays: a node
        // forming a new cluster, one marked down or unreachable, a leader that cannot do its duties, a refused join.
        ["Akka.Cluster"] =
        [
            "- Starting up...", "- Started up successfully", "No seed-nodes configured", "Received InitJoin", "Sending InitJoinAck",
            "is JOINING, roles", "Welcome from [", "Leader is moving node", "Exiting confirmed", "Leader is removing confirmed Exiting node",
            "Marked address [", "Exiting completed", "- Shutting down...", "- Successfully shut down", "is the new leader among reachable nodes",
            "is no longer leader", "starting coordinated shutdown", "Marking exiting node(s) as UNREACHABLE",
        ],
        ["Akka.SplitBrainResolver"] = ["This node is now the leader responsible for taking SBR decisions", "This node is not the leader any more"],
        ["Akka.CoordinatedShutdown"] = ["Starting coordinated shutdown from CLR termination hook", "CoordinatedShutdown invoked due to"],

        // Where the coordinator runs: it says so itself when it starts.
        ["Akka.ClusterSingletonManager"] = [],
        ["Akka.ClusterSingletonProxy"] = [],
    };

    /// <summary>Akka's warnings at debug, by category, that say nothing is wrong.</summary>
    private static readonly Dictionary<string, string[]> HarmlessWarnings = new(StringComparer.Ordinal)
    {
        // A node's own transport stopping closes its connections before they would take themselves out of its list.
        ["Akka.TcpClientHandler"] = ["Unable to REMOVE channel"],
        ["Akka.TcpServerHandler"] = ["Unable to REMOVE channel"],
    };

    private readonly TransportRefusals _refusals = refusals ?? new TransportRefusals();
    private readonly ConnectAttempts _attempts = attempts ?? new ConnectAttempts();

    /// <summary>The line <paramref name="e"/> comes down to, or null when it says nothing new.</summary>
    public LogLine? Apply(LogEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (_refusals.TryCondense(e, out var refusal))
        {
            return refusal is null ? null : new LogLine(LogLevel.Warning, TransportCategory, refusal);
        }

        var category = Category(e);
        var message = e.Message?.ToString() ?? string.Empty;
        if (_attempts.TryCondense(e, message, out var attemptLevel, out var attempt))
        {
            return new LogLine(attemptLevel, category, attempt, e.Cause);
        }

        var level = e.LogLevel() switch
        {
            Akka.Event.LogLevel.DebugLevel => LogLevel.Debug,
            Akka.Event.LogLevel.InfoLevel => LogLevel.Information,
            Akka.Event.LogLevel.WarningLevel => LogLevel.Warning,
            _ => LogLevel.Error,
        };

        if (PeerClosedItsConnection(e)
            || (level == LogLevel.Information && Matches(Chatter, category, message))
            || (level == LogLevel.Warning && Matches(HarmlessWarnings, category, message)))
        {
            level = LogLevel.Debug;
        }

        return new LogLine(level, category, message, e.Cause);
    }

    /// <summary>
    /// The class that logged, as PrimeCluster.X for PrimeCluster's own and Akka.X for Akka's; for Akka's sources given as
    /// text ("Cluster (akka://...)"), their first word.
    /// </summary>
    public static string Category(LogEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.LogClass switch
        {
            { Name: "DummyClassForStringSources" } or null => $"Akka.{e.LogSource.Split(' ', 2)[0]}",
            { Namespace: { } space } type when space.StartsWith("PrimeCluster", StringComparison.Ordinal) => $"PrimeCluster.{type.Name}",
            var type => $"Akka.{type.Name}",
        };
    }

    private static bool Matches(Dictionary<string, string[]> rules, string category, string message) =>
        rules.TryGetValue(category, out var fragments)
        && (fragments.Length == 0 || fragments.Any(f => message.Contains(f, StringComparison.Ordinal)));

    /// <summary>
    /// Akka.Remote's word for a peer that closed its connection, as every peer does when it leaves: the endpoint's
    /// supervisor logs it as a failed association (a warning) and a stopped child (an error), both with a stack trace.
    /// A peer lost without leaving shows elsewhere, as unreachable.
    /// </summary>
    private static bool PeerClosedItsConnection(LogEvent e)
    {
        if (IsDisassociation(e.Cause))
        {
            return true;
        }

        return e.Message is LogMessage message && message.Parameters().Any(p => IsDisassociation(p as Exception));
    }

    private static bool IsDisassociation(Exception? e) => e?.GetType().FullName == "Akka.Remote.EndpointDisassociatedException";
}
