using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace PrimeCluster.Actors.Logging;

/// <summary>The host's console log in <see cref="LogLine"/>'s format.</summary>
public sealed class LogLineFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "primecluster";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message.Length > 0 || logEntry.Exception is not null)
        {
            LogLine.Write(textWriter, DateTimeOffset.Now, logEntry.LogLevel, logEntry.Category, message, logEntry.Exception);
        }
    }
}
