using System.Globalization;
using Microsoft.Extensions.Logging;

namespace PrimeCluster.Actors.Logging;

/// <summary>
/// One event of a node's log, and the one format every line of it has, whichever way it came (the host's logging, or
/// Akka's fallback logger as the actor system starts and stops):
/// <c>12:04:31.207 info: PrimeCluster.JobActor Job 7k2m9x0qfa accepted ...</c>.
/// </summary>
public readonly record struct LogLine(LogLevel Level, string Category, string Message, Exception? Cause = null)
{
    /// <summary>
    /// Writes one line. An error keeps its exception, stack trace included, on the same line; anything less names the
    /// exception's type and message only.
    /// </summary>
    public static void Write(TextWriter writer, DateTimeOffset time, LogLevel level, string category, string message, Exception? cause)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var text = cause switch
        {
            null => message,
            _ when level >= LogLevel.Error => $"{message} {cause}",
            _ => $"{message} ({cause.GetType().Name}: {cause.Message})",
        };

        // Multi-line text (an exception, a message that embeds one) stays on the event's line.
        writer.Write(string.Create(CultureInfo.InvariantCulture, $"{time:HH:mm:ss.fff} {Abbreviation(level)}: {category} {OneLine(text)}{Environment.NewLine}"));
    }

    public void Write(TextWriter writer, DateTimeOffset time) => Write(writer, time, Level, Category, Message, Cause);

    private static string Abbreviation(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private static string OneLine(string text) =>
        text.Contains('\n', StringComparison.Ordinal)
            ? string.Join(' ', text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            : text;
}
