using Akka.Event;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace PrimeCluster.Actors.Logging;

/// <summary>
/// Akka's fallback logger (<c>akka.stdout-logger-class</c>), in the node's one format on stderr. It logs what comes
/// while no logger runs: warnings as the actor system starts, before <see cref="AkkaLogForwarder"/> does, and events
/// still waiting for the forwarder when it is stopped at the end, which Akka's own fallback would print on stdout in a
/// format of its own. Information and above, as <see cref="AkkaLogRules"/> has it.
/// </summary>
public sealed class StandardErrorLogger : MinimalLogger
{
    private readonly AkkaLogRules _rules = new();
    private readonly TextWriter _writer;

    public StandardErrorLogger()
        : this(Console.Error)
    {
    }

    internal StandardErrorLogger(TextWriter writer)
    {
        _writer = writer;
    }

    /// <summary>The setting that makes Akka use this logger as its fallback.</summary>
    public static string Setting => $"akka.stdout-logger-class = \"{typeof(StandardErrorLogger).FullName}, {typeof(StandardErrorLogger).Assembly.GetName().Name}\"";

    protected override void Log(object message)
    {
        if (message is not LogEvent e || !Filter.ShouldTryKeepMessage(e, out _))
        {
            return;
        }

        // Loggers run one at a time, but this one is called on whichever thread publishes.
        lock (_rules)
        {
            if (_rules.Apply(e) is { Level: >= LogLevel.Information } line)
            {
                line.Write(_writer, new DateTimeOffset(e.Timestamp).ToLocalTime());
            }
        }
    }
}
