using System.Buffers;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using PrimeCluster.Contracts;

namespace PrimeCluster.Node.Streams;

/// <summary>
/// A stream of server-sent events from a feed's reader: its blocks as they come, a keep-alive after each quiet spell of
/// <see cref="KeepAlive.Interval"/>. It ends when the feed does or the client goes; a reader dropped for falling behind
/// has its connection aborted, so that nothing more is held for it.
/// </summary>
internal sealed class EventStreamResult(EventReader reader) : IResult
{
    /// <summary>Bytes written to the response between two flushes.</summary>
    private const int Slice = 16 * 1024;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        using var _ = reader;
        StreamMetrics.StreamOpened(1);
        var response = httpContext.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache,no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers.ContentEncoding = "identity";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, reader.Dropped);
        var body = response.BodyWriter;
        try
        {
            await body.FlushAsync(stop.Token).ConfigureAwait(false);

            // One timer for each quiet spell, not one for each block.
            var lastSent = Stopwatch.GetTimestamp();
            var quiet = Task.Delay(KeepAlive.Interval, stop.Token);
            while (true)
            {
                var wrote = false;
                var unflushed = 0;
                while (reader.Blocks.TryRead(out var block))
                {
                    // In slices, each flushed before the next, which waits while the client is behind: the server's
                    // buffer for the stream stays at a slice and its own limit, not a copy of every block queued.
                    for (var bytes = block.Bytes; bytes.Length > 0;)
                    {
                        var slice = bytes[..Math.Min(Slice - unflushed, bytes.Length)];
                        body.Write(slice.Span);
                        bytes = bytes[slice.Length..];
                        unflushed += slice.Length;
                        if (unflushed == Slice)
                        {
                            await body.FlushAsync(stop.Token).ConfigureAwait(false);
                            unflushed = 0;
                        }
                    }

                    wrote = true;
                }

                if (wrote)
                {
                    await body.FlushAsync(stop.Token).ConfigureAwait(false);
                    lastSent = Stopwatch.GetTimestamp();
                }

                var more = reader.Blocks.WaitToReadAsync(stop.Token).AsTask();
                while (await Task.WhenAny(more, quiet).ConfigureAwait(false) == quiet)
                {
                    stop.Token.ThrowIfCancellationRequested();
                    var silent = Stopwatch.GetElapsedTime(lastSent);
                    if (silent >= KeepAlive.Interval)
                    {
                        body.Write(EventBlock.KeepAlive.Bytes.Span);
                        await body.FlushAsync(stop.Token).ConfigureAwait(false);
                        lastSent = Stopwatch.GetTimestamp();
                        silent = TimeSpan.Zero;
                    }

                    quiet = Task.Delay(KeepAlive.Interval - silent, stop.Token);
                }

                if (!await more.ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client went, or fell behind.
        }
        finally
        {
            StreamMetrics.StreamOpened(-1);
        }

        if (reader.Dropped.IsCancellationRequested)
        {
            StreamMetrics.StreamDropped();
            httpContext.Abort();
        }
    }
}
