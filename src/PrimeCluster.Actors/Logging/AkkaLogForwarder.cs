using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PrimeCluster.Actors.Logging;

/// <summary>
/// Akka's log events into the host's logging, one line each, as <see cref="AkkaLogRules"/> has them: under the name of
/// the class that logged, at the level a person would give them.
/// </summary>
public sealed class AkkaLogForwarder : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly AkkaLogRules _rules = new();

    public AkkaLogForwarder()
    {
        var factory = DependencyResolver.For(Context.System).Resolver.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var filter = Context.System.Settings.LogFilter;
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e =>
        {
            if (filter.ShouldTryKeepMessage(e, out _) && _rules.Apply(e) is { } line)
            {
                // Akka has formatted the message already: it is the state, and no template.
                factory.CreateLogger(line.Category).Log(line.Level, default, line.Message, line.Cause, static (message, _) => message);
            }
        });
    }
}
