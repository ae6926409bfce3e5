using Akka.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace PrimeCluster.Actors.Logging;

/// <summary>
/// A node's log: one format (<see cref="LogLine"/>) and one level for Akka's events and the host's,
/// <c>akka.loglevel</c>.
/// </summary>
public static class NodeLogging
{
    /// <summary>
    /// The console log of a node's host, at <paramref name="minimum"/> and above: on stdout for primecluster-node, on
    /// stderr for a node inside another program (the embedded cluster of <c>primecluster run</c>), whose stdout is its
    /// own.
    /// </summary>
    public static ILoggingBuilder AddPrimeClusterConsole(this ILoggingBuilder logging, LogLevel minimum, bool standardError)
    {
        ArgumentNullException.ThrowIfNull(logging);

        // The formatter takes no options: registered as it is, with nothing bound from configuration by reflection.
        logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, LogLineFormatter>());
        return AkkaLogRules.AddRoutineCategoryFilters(logging.ClearProviders(), minimum)
            .SetMinimumLevel(minimum)
            .AddConsole(console =>
            {
                console.FormatterName = LogLineFormatter.FormatterName;
                console.LogToStandardErrorThreshold = standardError ? LogLevel.Trace : LogLevel.None;
            });
    }

    /// <summary>The level <c>akka.loglevel</c> sets, for the host's logging.</summary>
    public static LogLevel HostLevel(Config hocon) => IsOff(hocon) ? LogLevel.None : AkkaLevel(hocon) switch
    {
        Akka.Event.LogLevel.DebugLevel => LogLevel.Debug,
        Akka.Event.LogLevel.InfoLevel => LogLevel.Information,
        Akka.Event.LogLevel.WarningLevel => LogLevel.Warning,
        _ => LogLevel.Error,
    };

    /// <summary>The level <c>akka.loglevel</c> sets, for Akka's loggers; OFF logs errors there, which the host drops.</summary>
    public static Akka.Event.LogLevel AkkaLevel(Config hocon)
    {
        ArgumentNullException.ThrowIfNull(hocon);
        return hocon.GetString("akka.loglevel", "INFO").ToUpperInvariant() switch
        {
            "DEBUG" => Akka.Event.LogLevel.DebugLevel,
            "INFO" => Akka.Event.LogLevel.InfoLevel,
            "WARNING" => Akka.Event.LogLevel.WarningLevel,
            _ => Akka.Event.LogLevel.ErrorLevel,
        };
    }

    private static bool IsOff(Config hocon) => string.Equals(hocon.GetString("akka.loglevel", "INFO"), "OFF", StringComparison.OrdinalIgnoreCase);
}
