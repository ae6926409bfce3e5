using System.Globalization;
using Akka.Event;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace PrimeCluster.Actors.Logging;

/// <summary>
/// What Akka logs at every attempt to reach a node that does not answer, and at every attempt to join seeds that do not
/// let this node in: a worker waiting for its seed to come back said three lines every 5 s for as long as the seed was
/// away. Here each such line is kept at its 1st, 2nd, 4th, 8th ... attempt, and at every 64th after the 64th, with the
/// count of attempts; the others go to debug. Attempts to reach an address more than a minute apart count afresh (a new
/// outage). Each logger actor holds one.
/// </summary>
public sealed class ConnectAttempts
{
    private const string JoinFailed = "Couldn't join seed nodes after [";
    private const string Unreachable = "Tried to associate with unreachable remote address [";
    private const string AssociationError = "AssociationError [";
    private const int Steady = 64;
    private const int MaxAddresses = 4096;
    private static readonly TimeSpan Outage = TimeSpan.FromMinutes(1);

    private readonly Dictionary<(string Kind, string Address), (DateTime Since, DateTime Last, int Count)> _attempts = [];
    private readonly Func<DateTime> _now;

    public ConnectAttempts(Func<DateTime>? now = null)
    {
        _now = now ?? (() => DateTime.UtcNow);
    }

    /// <summary>
    /// Whether <paramref name="message"/> is what Akka logs at an attempt to reach a node or to join the seeds. If it is,
    /// <paramref name="level"/> is what to log it at, and <paramref name="text"/> the message with its count.
    /// </summary>
    public bool TryCondense(LogEvent e, string message, out LogLevel level, out string text)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(message);
        (level, text) = (LogLevel.Debug, message);
        if (e.LogLevel() != Akka.Event.LogLevel.WarningLevel)
        {
            return false;
        }

        // Akka counts the join's attempts itself: its first warning is at the second.
        if (message.StartsWith(JoinFailed, StringComparison.Ordinal)
            && e.Message is LogMessage join && join.Parameters().FirstOrDefault() is int tries)
        {
            level = Kept(tries) ? LogLevel.Warning : LogLevel.Debug;
            return true;
        }

        var address = message.StartsWith(Unreachable, StringComparison.Ordinal) ? Between(message, Unreachable, "]")
            : message.StartsWith(AssociationError, StringComparison.Ordinal) ? Between(message, "] -> ", ": Error [")
            : null;
        if (address is null)
        {
            return false;
        }

        var (since, count) = Count(message[..message.IndexOf('[', StringComparison.Ordinal)], address);
        if (Kept(count))
        {
            level = LogLevel.Warning;
            text = count == 1 ? message : string.Create(CultureInfo.InvariantCulture, $"{message.TrimEnd()} (attempt {count} since {since:HH:mm:ss} UTC)");
        }

        return true;
    }

    private static bool Kept(int attempt) => attempt > 0 && (attempt <= Steady ? (attempt & (attempt - 1)) == 0 : attempt % Steady == 0);

    private (DateTime Since, int Count) Count(string kind, string address)
    {
        var now = _now();
        var key = (kind, address);
        if (!_attempts.TryGetValue(key, out var seen) || now - seen.Last > Outage)
        {
            if (_attempts.Count >= MaxAddresses)
            {
                _attempts.Clear();
            }

            seen = (now, now, 0);
        }

        _attempts[key] = (seen.Since, now, seen.Count + 1);
        return (seen.Since, seen.Count + 1);
    }

    private static string? Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        if (from < 0)
        {
            return null;
        }

        from += start.Length;
        var to = text.IndexOf(end, from, StringComparison.Ordinal);
        return to > from ? text[from..to] : null;
    }
}
