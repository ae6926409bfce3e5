using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace PrimeCluster.Actors.Logging;

/// <summary>Akka's log, one line per event on stderr: for command-line tools whose stdout carries results.</summary>
public sealed class StandardErrorLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly TransportRefusals _refusals = new();

    public StandardErrorLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e =>
        {
            if (_refusals.TryCondense(e, out var refusal))
            {
                if (refusal is not null)
                {
                    Console.Error.WriteLine($"[WARNING] cluster transport: {refusal}");
                }

                return;
            }

            Console.Error.WriteLine($"[{e.LogLevel().ToString().Replace("Level", string.Empty, StringComparison.Ordinal).ToUpperInvariant()}] {e.LogSource}: {e.Message}{(e.Cause is null ? string.Empty : $" ({e.Cause.Message})")}");
        });
    }
}
