using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using PrimeCluster.Contracts;

namespace PrimeCluster.Node.Api;

/// <summary>Server-sent events from what the actors push: JSON data, a keep-alive event after every quiet spell.</summary>
internal static class EventStream
{
    public static SseItem<string> Item<T>(string eventType, T data) => new(JsonSerializer.Serialize(data, ApiJson.Options), eventType);

    /// <summary>
    /// <paramref name="source"/>'s events, with a <see cref="KeepAlive.Event"/> whenever it says nothing for
    /// <see cref="KeepAlive.Interval"/>; ends when it does, or when the client goes.
    /// </summary>
    public static async IAsyncEnumerable<SseItem<string>> WithKeepAlive(IAsyncEnumerable<SseItem<string>> source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var items = source.GetAsyncEnumerator(stop.Token);
        var next = items.MoveNextAsync().AsTask();

        // One timer for each quiet spell, not one for each event: a job's batches come by the thousand.
        var lastSent = Stopwatch.GetTimestamp();
        var quiet = Task.Delay(KeepAlive.Interval, cancellationToken);
        try
        {
            while (true)
            {
                if (await Task.WhenAny(next, quiet).ConfigureAwait(false) == quiet)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var silent = Stopwatch.GetElapsedTime(lastSent);
                    if (silent < KeepAlive.Interval)
                    {
                        quiet = Task.Delay(KeepAlive.Interval - silent, cancellationToken);
                        continue;
                    }

                    yield return new SseItem<string>(string.Empty, KeepAlive.Event);
                    lastSent = Stopwatch.GetTimestamp();
                    quiet = Task.Delay(KeepAlive.Interval, cancellationToken);
                    continue;
                }

                if (!await next.ConfigureAwait(false))
                {
                    yield break;
                }

                yield return items.Current;
                lastSent = Stopwatch.GetTimestamp();
                next = items.MoveNextAsync().AsTask();
            }
        }
        finally
        {
            // An enumerator cannot be disposed while a read is in flight: end the read first.
            await stop.CancelAsync().ConfigureAwait(false);
            await next.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            await items.DisposeAsync().ConfigureAwait(false);
        }
    }
}
