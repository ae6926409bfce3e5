using Akka.Event;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace PrimeCluster.Actors.Logging;

/// <summary>
/// What an Akka log event becomes in a node's log: its category (the class that logged it, Akka's or PrimeCluster's),
/// its level, and for connections refused on the cluster port one short line per peer (<see cref="TransportRefusals"/>).
/// Each logger holds one.
/// </summary>
public sealed class AkkaLogRules(TransportRefusals? refusals = null)
{
    /// <summary>The category of the one line a refused connection comes down to.</summary>
    public const string TransportCategory = "PrimeCluster.ClusterTransport";

    private readonly TransportRefusals _refusals = refusals ?? new TransportRefusals();

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
        var level = e.LogLevel() switch
        {
            Akka.Event.LogLevel.DebugLevel => LogLevel.Debug,
            Akka.Event.LogLevel.InfoLevel => LogLevel.Information,
            Akka.Event.LogLevel.WarningLevel => LogLevel.Warning,
            _ => LogLevel.Error,
        };

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
}
