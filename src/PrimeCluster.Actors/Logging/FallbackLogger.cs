using Akka.Event;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace PrimeCluster.Actors.Logging;

/// <summary>
/// Akka's fallback logger (<c>akka.stdout-logger-class</c>), in the node's one format, on the stream of the host's
/// console. It logs what comes while no logger runs: warnings as the actor system starts, before
/// <see cref="AkkaLogForwarder"/> does, and events still waiting for the forwarder when it is stopped at the end, which
/// Akka's own fallback would print on stdout in a format of its own. Information and above, as
/// <see cref="AkkaLogRules"/> has it, without the routine categories the host's log filters out.
/// </summary>
public abstract class FallbackLogger(TextWriter writer) : MinimalLogger
{
    private readonly AkkaLogRules _rules = new();

    /// <summary>The setting that makes Akka fall back on <typeparamref name="T"/>.</summary>
    public static string Setting<T>()
        where T : FallbackLogger => $"akka.stdout-logger-class = \"{typeof(T).FullName}, {typeof(T).Assembly.GetName().Name}\"";

    protected sealed override void Log(object message)
    {
        if (message is not LogEvent e || !Filter.ShouldTryKeepMessage(e, out _))
        {
            return;
        }

        // Loggers run one at a time, but this one is called on whichever thread publishes.
        lock (_rules)
        {
            if (_rules.Apply(e) is { Level: >= LogLevel.Information } line && !AkkaLogRules.IsRoutine(line))
            {
                line.Write(writer, new DateTimeOffset(e.Timestamp).ToLocalTime());
            }
        }
    }
}
