using System.Buffers;
using System.Text;
using System.Text.Json;
using PrimeCluster.Contracts;

namespace PrimeCluster.Node.Streams;

/// <summary>
/// One or more server-sent events as they go on the wire: serialized once, then written as they are to every stream
/// that carries them.
/// </summary>
internal sealed class EventBlock
{
    /// <summary>What a stream sends after a quiet spell: an event without data, which readers skip.</summary>
    public static readonly EventBlock KeepAlive = new(Encoding.UTF8.GetBytes($"event: {Contracts.KeepAlive.Event}\ndata: \n\n"));

    private EventBlock(byte[] bytes) => Bytes = bytes;

    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>One event of <paramref name="eventType"/> with <paramref name="data"/> as JSON in the API's style.</summary>
    public static EventBlock Of<T>(string eventType, T data) => Each(eventType, [data]);

    /// <summary>An event of <paramref name="eventType"/> for each item, in order.</summary>
    public static EventBlock Each<T>(string eventType, IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var buffer = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(buffer);
        foreach (var item in items)
        {
            buffer.Write("event: "u8);
            Encoding.UTF8.GetBytes(eventType, buffer);
            buffer.Write("\ndata: "u8);

            // Compact JSON escapes every line break: the data is one line.
            JsonSerializer.Serialize(json, item, ApiJson.Options);
            json.Flush();
            json.Reset();
            buffer.Write("\n\n"u8);
        }

        return new EventBlock(buffer.WrittenSpan.ToArray());
    }
}
