namespace PrimeCluster.Node.Streams;

/// <summary>
/// What one source pushes (a job, the cluster), for every stream that shows it: each event serialized once, into one
/// <see cref="EventBlock"/> that every <see cref="EventReader"/> writes as it is. The source is followed from the first
/// reader's arrival until it ends or the last reader leaves; a reader that joins meanwhile first gets the picture so
/// far (<see cref="Picture"/>), then what comes after it.
/// </summary>
internal abstract class EventFeed(ILogger log)
{
    private readonly Lock _gate = new();
    private readonly List<EventReader> _readers = [];
    private readonly CancellationTokenSource _stop = new();
    private bool _started;
    private bool _ended;

    /// <summary>Once the feed has ended: its source has, or its last reader has left. Raised once, under no lock.</summary>
    public event Action? Ended;

    /// <summary>A new reader, given the picture so far; null once the feed has ended (start another).</summary>
    public EventReader? TryJoin()
    {
        lock (_gate)
        {
            if (_ended)
            {
                return null;
            }

            var reader = new EventReader(this);
            foreach (var block in Picture())
            {
                reader.Offer(block);
            }

            _readers.Add(reader);
            if (!_started)
            {
                _started = true;
                StreamMetrics.FeedStarted(1);
                _ = Task.Run(RunAsync);
            }

            return reader;
        }
    }

    /// <summary>The reader's stream is over; the last to leave ends the feed.</summary>
    public void Leave(EventReader reader)
    {
        bool idle;
        lock (_gate)
        {
            idle = _readers.Remove(reader) && IdleNow();
        }

        if (idle)
        {
            Stop();
        }
    }

    /// <summary>What a reader that joins now needs first, as blocks; called under the feed's lock.</summary>
    protected abstract IEnumerable<EventBlock> Picture();

    /// <summary>Follows the source until it ends or <paramref name="cancellationToken"/> fires, publishing what it pushes.</summary>
    protected abstract Task FollowAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Applies a change to the picture and sends its block, if it makes one, to every reader, under the feed's lock, so
    /// that a reader joining at the same time gets the change either in its picture or as a block, never both or neither.
    /// A reader too far behind to take it is dropped.
    /// </summary>
    protected void Publish(Func<EventBlock?> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        bool idle;
        lock (_gate)
        {
            if (change() is not { } block)
            {
                return;
            }

            idle = _readers.RemoveAll(reader => !reader.Offer(block)) > 0 && IdleNow();
        }

        if (idle)
        {
            Stop();
        }
    }

    /// <summary>Whether the feed has just lost its last reader: it ends. Called under the lock.</summary>
    private bool IdleNow()
    {
        if (_readers.Count > 0 || _ended)
        {
            return false;
        }

        _ended = true;
        return true;
    }

    private void Stop()
    {
        _stop.Cancel();
        Ended?.Invoke();
    }

    private async Task RunAsync()
    {
        try
        {
            await FollowAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The last reader left.
        }
        catch (Exception e)
        {
            // Its streams end, and their readers connect again to a new feed.
            log.LogWarning("Stopped following {Source} for its event streams: {Reason}", this, e.Message);
        }
        finally
        {
            End();
            StreamMetrics.FeedStarted(-1);
        }
    }

    /// <summary>The source has ended: every reader ends once it has written what it holds.</summary>
    private void End()
    {
        lock (_gate)
        {
            foreach (var reader in _readers)
            {
                reader.End();
            }

            _readers.Clear();
            if (_ended)
            {
                return;
            }

            _ended = true;
        }

        Ended?.Invoke();
    }
}
