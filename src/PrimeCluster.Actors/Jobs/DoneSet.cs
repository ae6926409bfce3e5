namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// Which batches of a job are done: a mark below which every batch is done, and the done batches above it. Batches are
/// done roughly in order, so memory grows with the batches done out of order, not with the plan; a done batch that is
/// reopened below the mark (rare: its worker was caught with a wrong tally) is noted apart, and the mark stays.
/// </summary>
internal sealed class DoneSet
{
    private readonly HashSet<long> _aboveMark = [];

    /// <summary>Done batches below the mark that were reopened.</summary>
    private readonly HashSet<long> _reopenedBelowMark = [];

    /// <summary>Every batch below it is done, but those in <see cref="_reopenedBelowMark"/>.</summary>
    private long _mark;

    public long Count { get; private set; }

    /// <summary>Goes up at every change: a checkpoint taken at another version records other batches.</summary>
    public long Version { get; private set; }

    public bool Contains(long index) =>
        index >= 0 && (index < _mark ? _reopenedBelowMark.Count == 0 || !_reopenedBelowMark.Contains(index) : _aboveMark.Contains(index));

    /// <summary>The batch is done; false when it was already.</summary>
    public bool Add(long index)
    {
        if (index < 0 || Contains(index))
        {
            return false;
        }

        if (!_reopenedBelowMark.Remove(index))
        {
            _aboveMark.Add(index);
            while (_aboveMark.Remove(_mark))
            {
                _mark++;
            }
        }

        Count++;
        Version++;
        return true;
    }

    /// <summary>A span of batches, all above every batch added so far, is done.</summary>
    public void AddAbove(BatchSpan span)
    {
        if (span.First == _mark)
        {
            _mark = span.Last + 1;
        }
        else
        {
            for (var index = span.First; index <= span.Last; index++)
            {
                _aboveMark.Add(index);
            }
        }

        Count += span.Count;
        Version++;
    }

    /// <summary>A done batch is done no more; false when it was not done.</summary>
    public bool Remove(long index)
    {
        if (!Contains(index))
        {
            return false;
        }

        if (!_aboveMark.Remove(index))
        {
            _reopenedBelowMark.Add(index);
        }

        Count--;
        Version++;
        return true;
    }

    /// <summary>The done batches as ascending, disjoint spans: what a checkpoint records.</summary>
    public IReadOnlyList<BatchSpan> Spans()
    {
        var spans = new List<BatchSpan>();
        long first = 0;
        foreach (var reopened in _reopenedBelowMark.Order())
        {
            if (reopened > first)
            {
                spans.Add(new BatchSpan(first, reopened - 1));
            }

            first = reopened + 1;
        }

        if (_mark > first)
        {
            spans.Add(new BatchSpan(first, _mark - 1));
        }

        foreach (var index in _aboveMark.Order())
        {
            if (spans.Count > 0 && spans[^1].Last == index - 1)
            {
                spans[^1] = spans[^1] with { Last = index };
            }
            else
            {
                spans.Add(new BatchSpan(index, index));
            }
        }

        return spans;
    }
}
