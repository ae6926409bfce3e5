using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace PrimeCluster.Actors.Logging;

/// <summary>Akka's log, one line per event on stderr: for command-line tools whose stdout carries results.</summary>
public sealed class StandardErrorLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public StandardErrorLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => Console.Error.WriteLine($"[{e.LogLevel().ToString().Replace("Level", string.Empty, StringComparison.Ordinal).ToUpperInvariant()}] {e.LogSource}: {e.Message}{(e.Cause is null ? string.Empty : $" ({e.Cause.Message})")}"));
    }
}
