using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Event;
using PrimeCluster.Actors.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace PrimeCluster.Actors.Tests;

/// <summary>
/// Akka's fallback logger, which logs what comes while no logger runs (as a node starts and stops), and the one format
/// of a node's log that it shares with the host's console.
/// </summary>
public sealed partial class StandardErrorLoggerSpecs
{
    private readonly StringWriter _written = new();

    [Fact]
    public void Events_left_at_shutdown_should_be_written_in_the_nodes_format_unless_they_are_chatter()
    {
        var logger = new StandardErrorLogger(_written);

        logger.Tell(new Info("remoting (akka://primecluster)", typeof(DummyClassForStringSources), "Remoting shut down"));
        logger.Tell(new Warning("Cluster (akka://primecluster)", typeof(DummyClassForStringSources), "Cluster Node [x] - Marking node(s) as UNREACHABLE [y]"));

        var line = Assert.Single(Lines());
        Assert.Matches(LineFormat(), line);
        Assert.EndsWith(" warn: Akka.Cluster Cluster Node [x] - Marking node(s) as UNREACHABLE [y]", line, StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_should_be_one_line_with_its_exception()
    {
        var time = new DateTimeOffset(2026, 1, 1, 12, 4, 31, 207, TimeSpan.Zero);

        LogLine.Write(_written, time, LogLevel.Error, "PrimeCluster.WorkerActor", "Batch 3 of job j (range) failed", Thrown());

        var line = Assert.Single(Lines());
        Assert.StartsWith("12:04:31.207 fail: PrimeCluster.WorkerActor Batch 3 of job j (range) failed System.InvalidOperationException: boom at ", line, StringComparison.Ordinal);
        Assert.Contains(nameof(Thrown), line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_warning_should_name_its_exception_without_a_stack_trace()
    {
        var time = new DateTimeOffset(2026, 1, 1, 12, 4, 31, 207, TimeSpan.Zero);

        LogLine.Write(_written, time, LogLevel.Warning, "PrimeCluster.WorkerActor", "Warming up the kernels failed", Thrown());

        Assert.Equal(["12:04:31.207 warn: PrimeCluster.WorkerActor Warming up the kernels failed (InvalidOperationException: boom)"], Lines());
    }

    /// <summary>Time, level, category, message: what every line of a node's log looks like.</summary>
    [GeneratedRegex(@"^\d\d:\d\d:\d\d\.\d{3} (dbug|info|warn|fail|crit): \S+ \S")]
    internal static partial Regex LineFormat();

    private static InvalidOperationException Thrown()
    {
        try
        {
            throw new InvalidOperationException("boom");
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
    }

    private string[] Lines() => _written.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
}
