using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Akka.Actor;
using Microsoft.Extensions.Logging.Abstractions;
using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Node.Streams;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// A job's feed, between the coordinator's events (a channel the spec writes to) and the streams that read it: one
/// subscription and one serialized snapshot for all of them, and a stream that falls behind dropped alone.
/// </summary>
public sealed class JobFeedSpecs
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly JobView Running = new(
        new JobId("feedjob1"), new JobSpec(new NumberRange(1, 1_000_000)), JobState.Running, 0, 200_000, Tally.Zero, 0, false, 2, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, TimeSpan.Zero, null);

    private readonly Channel<JobEvent> _coordinator = Channel.CreateUnbounded<JobEvent>();
    private readonly TaskCompletionSource<CancellationToken> _subscribed = new();
    private int _subscriptions;

    [Fact]
    public async Task Every_stream_of_a_job_should_share_one_subscription_and_one_serialized_snapshot()
    {
        var feed = Feed();
        using var first = feed.TryJoin()!;
        Publish(Timeline(snapshot: true, 0, 5000));
        Assert.Equal(["progress", "batches"], (await ReadAsync(first, 2)).Select(e => e.Event));

        var later = Enumerable.Range(0, 50).Select(_ => feed.TryJoin()!).ToList();
        var pictures = new List<IReadOnlyList<EventBlock>>();
        foreach (var reader in later)
        {
            pictures.Add(await ReadBlocksAsync(reader, 2));
        }

        await _subscribed.Task.WaitAsync(Bound);
        Assert.Equal(1, _subscriptions);
        Assert.All(pictures, p => Assert.Same(pictures[0][1], p[1]));
        Assert.Equal(5000, Events(pictures[0][1]).Single().Data.GetArrayLength());

        // A change goes to every stream as one block; the next stream to join gets a snapshot with it.
        Publish(Timeline(snapshot: false, 4990, 3, finished: true));
        var changes = new List<EventBlock>();
        foreach (var reader in later.Prepend(first))
        {
            changes.AddRange(await ReadBlocksAsync(reader, 1));
        }

        Assert.All(changes, c => Assert.Same(changes[0], c));
        Assert.Equal(3, Events(changes[0]).Count(e => e.Event == "batch"));
        using var last = feed.TryJoin()!;
        var snapshot = (await ReadAsync(last, 2))[1].Data.EnumerateArray().ToList();
        Assert.Equal(5000, snapshot.Count);
        Assert.Equal(3, snapshot.Count(r => r.GetProperty("outcome").GetString() == "counted"));
        foreach (var reader in later)
        {
            reader.Dispose();
        }
    }

    [Fact]
    public async Task A_stream_that_falls_behind_should_be_dropped_while_the_others_get_every_event()
    {
        var feed = Feed();
        using var idle = feed.TryJoin()!;
        using var reading = feed.TryJoin()!;
        await ReadAsync(reading, 1);
        var read = new List<(string Event, JsonElement Data)>();
        for (var i = 0; i < EventReader.Capacity + 10; i++)
        {
            Publish(new JobEvent.Moved(Running with { BatchesDone = i + 1 }));
            read.AddRange(await ReadAsync(reading, 1));
        }

        Assert.True(idle.Dropped.IsCancellationRequested);
        Assert.Equal(EventReader.Capacity + 10, read.Count(e => e.Event == "progress" && e.Data.GetProperty("progress").GetProperty("batches_done").GetInt64() > 0));
        Assert.False(reading.Dropped.IsCancellationRequested);
        Assert.False((await _subscribed.Task.WaitAsync(Bound)).IsCancellationRequested);
    }

    [Fact]
    public async Task A_job_the_coordinator_lost_should_end_every_stream_with_a_failed_result()
    {
        var feed = Feed(batches: false);
        using var reader = feed.TryJoin()!;
        Publish(new JobEvent.Lost(Running.Id));

        var events = await ReadToEndAsync(reader);

        Assert.Equal(["progress", "result"], events.Select(e => e.Event));
        Assert.Equal("failed", events[1].Data.GetProperty("state").GetString());
        Assert.Contains("no longer knows", events[1].Data.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Null(feed.TryJoin());
    }

    [Fact]
    public async Task The_last_stream_to_leave_should_end_the_subscription()
    {
        var feed = Feed();
        var ended = new TaskCompletionSource();
        feed.Ended += ended.SetResult;
        var one = feed.TryJoin()!;
        var other = feed.TryJoin()!;
        var subscription = await _subscribed.Task.WaitAsync(Bound);

        one.Dispose();
        Assert.False(subscription.IsCancellationRequested);
        other.Dispose();

        await ended.Task.WaitAsync(Bound);
        Assert.True(subscription.IsCancellationRequested);
        Assert.Null(feed.TryJoin());
    }

    private JobFeed Feed(bool batches = true) => new(Running, batches, Follow, NullLogger.Instance);

    private IAsyncEnumerable<JobEvent> Follow(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _subscriptions);
        _subscribed.TrySetResult(cancellationToken);
        return _coordinator.Reader.ReadAllAsync(cancellationToken);
    }

    private void Publish(JobEvent e) => Assert.True(_coordinator.Writer.TryWrite(e));

    private static JobEvent.Batches Timeline(bool snapshot, int first, int count, bool finished = false) => new(new BatchTimeline(
        Running.Id,
        [.. Enumerable.Range(first, count).Select(i => new BatchRecord(
            i,
            new NumberRange((ulong)i * 5 + 1, (ulong)i * 5 + 5),
            "/user/worker-0",
            Address.Parse("akka.tcp://primecluster@127.0.0.1:4053"),
            DateTimeOffset.UnixEpoch.AddSeconds(i),
            finished ? DateTimeOffset.UnixEpoch.AddSeconds(i + 1) : null,
            finished ? BatchOutcome.Counted : BatchOutcome.Running))],
        snapshot));

    private static async Task<IReadOnlyList<EventBlock>> ReadBlocksAsync(EventReader reader, int count)
    {
        var blocks = new List<EventBlock>();
        using var timeout = new CancellationTokenSource(Bound);
        while (blocks.Count < count)
        {
            blocks.Add(await reader.Blocks.ReadAsync(timeout.Token));
        }

        return blocks;
    }

    private static async Task<List<(string Event, JsonElement Data)>> ReadAsync(EventReader reader, int blocks) =>
        [.. (await ReadBlocksAsync(reader, blocks)).SelectMany(Events)];

    private static async Task<List<(string Event, JsonElement Data)>> ReadToEndAsync(EventReader reader)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var events = new List<(string, JsonElement)>();
        await foreach (var block in reader.Blocks.ReadAllAsync(timeout.Token))
        {
            events.AddRange(Events(block));
        }

        return events;
    }

    /// <summary>The events of a block as a stream's reader parses them.</summary>
    private static IEnumerable<(string Event, JsonElement Data)> Events(EventBlock block) =>
        Encoding.UTF8.GetString(block.Bytes.Span)
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('\n'))
            .Select(lines => (lines[0]["event: ".Length..], JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement));
}
