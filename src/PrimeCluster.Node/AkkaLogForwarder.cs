using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Dispatch;
using Akka.Event;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace PrimeCluster.Node;

/// <summary>Akka's log events into the host's logging, one line each, under the name of the class that logged.</summary>
public sealed class AkkaLogForwarder : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public AkkaLogForwarder()
    {
        var factory = DependencyResolver.For(Context.System).Resolver.GetService<ILoggerFactory>();
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e =>
        {
            var logger = factory.CreateLogger($"Akka.{Category(e)}");
            var level = e.LogLevel() switch
            {
                Akka.Event.LogLevel.DebugLevel => LogLevel.Debug,
                Akka.Event.LogLevel.InfoLevel => LogLevel.Information,
                Akka.Event.LogLevel.WarningLevel => LogLevel.Warning,
                _ => LogLevel.Error,
            };
#pragma warning disable CA2254 // Akka has formatted the message already.
            logger.Log(level, e.Cause, e.Message?.ToString() ?? string.Empty);
#pragma warning restore CA2254
        });
    }

    /// <summary>The class that logged, or for sources given as text ("Cluster (akka://...)") their first word.</summary>
    private static string Category(LogEvent e) =>
        e.LogClass is { Name: not "DummyClassForStringSources" } type ? type.Name : e.LogSource.Split(' ', 2)[0];
}
