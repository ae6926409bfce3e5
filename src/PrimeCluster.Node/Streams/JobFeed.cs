using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Contracts;
using PrimeCluster.Core;
using PrimeCluster.Node.Api;

namespace PrimeCluster.Node.Streams;

/// <summary>
/// A job's events for every stream of it on this node (<c>GET /jobs/{id}/events</c>), from one subscription at the
/// coordinator: <c>progress</c> whenever the job moves, with batches its hand-outs (<c>batches</c>, then a
/// <c>batch</c> for each that changes), and one <c>result</c> at the end. A stream that joins late gets the job as it
/// is and, with batches, the hand-outs kept so far: one snapshot, serialized once for every stream that joins before
/// the next change.
/// </summary>
/// <param name="view">The job as last known: a joiner's first <c>progress</c> until the coordinator pushes one.</param>
/// <param name="follow">The job's events from the coordinator (<see cref="CoordinatorClient.FollowAsync"/>).</param>
internal sealed class JobFeed(JobView view, bool batches, Func<CancellationToken, IAsyncEnumerable<JobEvent>> follow, ILogger log) : EventFeed(log)
{
    private readonly TimelineMirror? _timeline = batches ? new TimelineMirror(MonitoringProtocol.BatchTimeline.MaxBatches) : null;
    private JobView _view = view;
    private JobResource _resource = JobResources.From(view);
    private EventBlock? _progress;

    /// <summary>The hand-outs kept, serialized for the streams that join, until the next change.</summary>
    private EventBlock? _snapshot;

    public override string ToString() => $"job {_view.Id}";

    protected override IEnumerable<EventBlock> Picture()
    {
        // A finished job's batches come before its result, which ends the stream.
        if (!_resource.State.IsTerminal())
        {
            yield return _progress ??= EventBlock.Of(JobEvents.Progress, _resource);
        }

        if (_timeline is { Known: true })
        {
            yield return _snapshot ??= EventBlock.Of(JobEvents.Batches, _timeline.All.ToList());
        }
    }

    protected override async Task FollowAsync(CancellationToken cancellationToken)
    {
        await foreach (var e in follow(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            switch (e)
            {
                case JobEvent.Moved moved:
                    Publish(() => Moved(moved.View));
                    break;
                case JobEvent.Batches { Timeline: var timeline } when _timeline is not null:
                    Publish(() => Batches(timeline));
                    break;
                case JobEvent.Ended ended:
                    Publish(() => Result(ended.View));
                    return;
                case JobEvent.Lost:
                    Publish(() => Result(_view with { State = JobState.Failed, Error = "the coordinator no longer knows this job" }));
                    return;
            }
        }
    }

    private EventBlock? Moved(JobView moved)
    {
        _view = moved;
        var resource = JobResources.From(moved);
        if (resource == _resource)
        {
            return null;
        }

        _resource = resource;
        return _progress = EventBlock.Of(JobEvents.Progress, resource);
    }

    private EventBlock? Batches(MonitoringProtocol.BatchTimeline timeline)
    {
        var records = timeline.Batches.Select(JobResources.From);
        _snapshot = null;
        if (timeline.Snapshot)
        {
            _timeline!.Reset(records);
            return _snapshot = EventBlock.Of(JobEvents.Batches, _timeline.All.ToList());
        }

        var changed = records.ToList();
        if (changed.Count == 0)
        {
            return null;
        }

        foreach (var record in changed)
        {
            _timeline!.Apply(record);
        }

        return EventBlock.Each(JobEvents.Batch, changed);
    }

    private EventBlock Result(JobView finished)
    {
        _view = finished;
        _resource = JobResources.From(finished);
        return EventBlock.Of(JobEvents.Result, _resource);
    }
}
