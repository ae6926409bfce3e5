using System.Threading.Channels;

namespace PrimeCluster.Node.Streams;

/// <summary>
/// One stream's place in an <see cref="EventFeed"/>: the blocks it has yet to write, at most <see cref="Capacity"/>.
/// A reader that falls further behind is dropped, not buffered for: its blocks end and <see cref="Dropped"/> fires.
/// </summary>
internal sealed class EventReader : IDisposable
{
    /// <summary>
    /// Blocks a stream may fall behind by: a few seconds of a busy job's (it reports every 150 ms), the socket's and
    /// the server's buffers aside.
    /// </summary>
    public const int Capacity = 64;

    private readonly Channel<EventBlock> _blocks = Channel.CreateBounded<EventBlock>(new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _dropped = new();
    private readonly EventFeed? _feed;

    public EventReader(EventFeed? feed) => _feed = feed;

    public ChannelReader<EventBlock> Blocks => _blocks.Reader;

    /// <summary>Cancelled when the reader fell too far behind.</summary>
    public CancellationToken Dropped => _dropped.Token;

    /// <summary>A reader of these blocks alone, then the end.</summary>
    public static EventReader Of(params EventBlock[] blocks)
    {
        var reader = new EventReader(feed: null);
        foreach (var block in blocks)
        {
            reader.Offer(block);
        }

        reader.End();
        return reader;
    }

    /// <summary>Queues a block for the stream; false, and the reader dropped, when it is too far behind to take it.</summary>
    public bool Offer(EventBlock block)
    {
        if (_blocks.Writer.TryWrite(block))
        {
            return true;
        }

        _blocks.Writer.TryComplete();
        _dropped.Cancel();
        return false;
    }

    /// <summary>No more blocks: the stream ends once it has written those queued.</summary>
    public void End() => _blocks.Writer.TryComplete();

    /// <summary>The stream is over: the feed forgets the reader.</summary>
    public void Dispose()
    {
        _feed?.Leave(this);
        _dropped.Dispose();
    }
}
