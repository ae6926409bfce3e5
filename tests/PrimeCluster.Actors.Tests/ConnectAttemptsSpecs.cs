using Akka.Event;
using Akka.TestKit.Xunit2;
using PrimeCluster.Actors.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace PrimeCluster.Actors.Tests;

/// <summary>
/// What Akka logs at each attempt to reach a node that is away and to join seeds that do not answer, as the loggers
/// receive it (under the names Akka logs it by), kept once in a while with its count.
/// </summary>
public sealed class ConnectAttemptsSpecs : TestKit
{
    private const string Self = "akka.tcp://primecluster@127.0.0.1:4054";
    private const string Seed = "akka.tcp://primecluster@127.0.0.1:4053";
    private static readonly int[] Kept = [1, 2, 4, 8, 16, 32, 64, 128, 192];

    private readonly AkkaLogRules _rules;
    private DateTime _now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    public ConnectAttemptsSpecs()
    {
        _rules = new AkkaLogRules(attempts: new ConnectAttempts(() => _now));
        Sys.EventStream.Subscribe(TestActor, typeof(LogEvent));
    }

    [Fact]
    public async Task A_node_that_stays_away_should_be_logged_at_the_1st_2nd_4th_attempt_and_so_on_then_every_64th()
    {
        var warned = new List<int>();
        LogLine fourth = default;
        for (var attempt = 1; attempt <= 200; attempt++)
        {
            var line = await UnreachableAsync();
            if (line.Level == LogLevel.Warning)
            {
                warned.Add(attempt);
            }

            fourth = attempt == 4 ? line : fourth;
            _now = _now.AddSeconds(5);
        }

        Assert.Equal(Kept, warned);
        Assert.Equal("Akka.remoting", fourth.Category);
        Assert.EndsWith("Reason: [Connection refused tcp://primecluster@127.0.0.1:4053] (attempt 4 since 12:00:00 UTC)", fourth.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Akkas_own_count_of_join_attempts_should_set_which_are_kept()
    {
        var log = Akka.Event.Logging.GetLogger(Sys, "JoinSeedNodeProcess");
        var warned = new List<int>();
        for (var attempt = 2; attempt <= 200; attempt++)
        {
            log.Warning("Couldn't join seed nodes after [{0}] attempts, will try again. seed-nodes=[{1}]", attempt, Seed);
            if ((await LineAsync("JoinSeedNodeProcess")).Level == LogLevel.Warning)
            {
                warned.Add(attempt);
            }
        }

        Assert.Equal(Kept[1..], warned);
    }

    [Fact]
    public async Task A_new_outage_should_be_counted_afresh()
    {
        await UnreachableAsync();
        _now = _now.AddSeconds(5);
        await UnreachableAsync();
        _now = _now.AddSeconds(5);
        var third = await UnreachableAsync();
        _now = _now.AddMinutes(2);
        var later = await UnreachableAsync();

        Assert.Equal(LogLevel.Debug, third.Level);
        Assert.Equal(LogLevel.Warning, later.Level);
        Assert.DoesNotContain("(attempt", later.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_address_and_each_kind_of_line_should_have_a_count_of_its_own()
    {
        var writer = Akka.Event.Logging.GetLogger(Sys, "EndpointWriter");

        await UnreachableAsync();
        writer.Warning($"AssociationError [{Self}] -> {Seed}: Error [Connection refused tcp://primecluster@127.0.0.1:4053] []");
        var error = await LineAsync("EndpointWriter");
        writer.Warning($"AssociationError [{Self}] -> akka.tcp://primecluster@127.0.0.1:4055: Error [Connection refused] []");
        var otherAddress = await LineAsync("EndpointWriter");
        writer.Warning($"AssociationError [{Self}] <- {Seed}: Error [handshake] []");
        var inbound = await LineAsync("EndpointWriter");

        Assert.Equal([LogLevel.Warning, LogLevel.Warning], new[] { error.Level, otherAddress.Level });
        Assert.Equal(LogLevel.Warning, inbound.Level);
        Assert.DoesNotContain("(attempt", error.Message + otherAddress.Message + inbound.Message, StringComparison.Ordinal);
    }

    /// <summary>What Akka.Remote's endpoint manager says each time a connection to the seed is refused.</summary>
    private async Task<LogLine> UnreachableAsync()
    {
        Akka.Event.Logging.GetLogger(Sys, "remoting").Warning(
            "Tried to associate with unreachable remote address [{0}]. Address is now gated for {1} ms, all messages to this address will be delivered to dead letters. Reason: [{2}] {3}",
            Seed,
            2000,
            "Connection refused tcp://primecluster@127.0.0.1:4053",
            string.Empty);
        return await LineAsync("remoting");
    }

    private async Task<LogLine> LineAsync(string source) =>
        _rules.Apply(await FishForMessageAsync<LogEvent>(e => e.LogSource.StartsWith(source, StringComparison.Ordinal), TimeSpan.FromSeconds(5)))
        ?? throw new InvalidOperationException($"The rules dropped the event of {source}.");
}
