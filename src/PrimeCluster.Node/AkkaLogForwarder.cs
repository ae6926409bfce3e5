using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Dispatch;
using Akka.Event;
using PrimeCluster.Actors.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace PrimeCluster.Node;

/// <summary>
/// Akka's log events into the host's logging, one line each, under the name of the class that logged; connections
/// refused on the cluster port in one short line per peer (<see cref="TransportRefusals"/>).
/// </summary>
public sealed class AkkaLogForwarder : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public const string TransportCategory = "PrimeCluster.ClusterTransport";

    private readonly TransportRefusals _refusals = new();

    public AkkaLogForwarder()
    {
        var factory = DependencyResolver.For(Context.System).Resolver.GetService<ILoggerFactory>();
        var transport = factory.CreateLogger(TransportCategory);
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e =>
        {
            if (_refusals.TryCondense(e, out var refusal))
            {
                if (refusal is not null)
                {
                    transport.LogWarning("{Refusal}", refusal);
                }

                return;
            }

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
