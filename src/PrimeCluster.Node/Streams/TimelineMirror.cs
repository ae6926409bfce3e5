using PrimeCluster.Contracts;

namespace PrimeCluster.Node.Streams;

/// <summary>
/// A job's batch hand-outs as its stream shows them, kept up to date from the job's snapshots and changes: the newest
/// <paramref name="capacity"/>, oldest first, as the job keeps them, so that a stream that joins late gets the same.
/// </summary>
internal sealed class TimelineMirror(int capacity)
{
    private readonly LinkedList<BatchResource> _order = new();
    private readonly Dictionary<(long Index, string Node, string Worker, DateTimeOffset HandedOutAt), LinkedListNode<BatchResource>> _byHandOut = [];

    /// <summary>Whether a snapshot has come: before it, the job's hand-outs are not known.</summary>
    public bool Known { get; private set; }

    public IReadOnlyCollection<BatchResource> All => _order;

    /// <summary>Every hand-out the job keeps, in place of those known.</summary>
    public void Reset(IEnumerable<BatchResource> snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _order.Clear();
        _byHandOut.Clear();
        foreach (var record in snapshot)
        {
            Apply(record);
        }

        Known = true;
    }

    /// <summary>A hand-out that is new (the oldest goes when there are too many) or has changed.</summary>
    public void Apply(BatchResource record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var key = (record.Index, record.Node, record.Worker, record.HandedOutAt);
        if (_byHandOut.TryGetValue(key, out var known))
        {
            known.Value = record;
            return;
        }

        _byHandOut[key] = _order.AddLast(record);
        if (_order.Count > capacity)
        {
            var oldest = _order.First!.Value;
            _byHandOut.Remove((oldest.Index, oldest.Node, oldest.Worker, oldest.HandedOutAt));
            _order.RemoveFirst();
        }
    }
}
