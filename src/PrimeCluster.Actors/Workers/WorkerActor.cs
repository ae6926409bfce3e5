using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Diagnostics;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Actors.Workers;

/// <summary>
/// Computes batches on its own thread and pulls more from the coordinator while it has room, holding a few batches
/// ahead so that it never waits on the network between two. Keeps no job state: every batch carries what it needs,
/// and every result goes straight to the job that handed it out.
/// </summary>
public sealed class WorkerActor : ReceiveActor, IWithTimers
{
    /// <summary>Short batches make a worker hold more of them, up to this many, to cover the round trip to the coordinator.</summary>
    private const int MaxHeld = 64;

    /// <summary>Batches this short travel to the compute thread, and back to their job, several at a time.</summary>
    private const double SliceMilliseconds = 5;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _coordinator;
    private readonly ComputeScheduler _scheduler;
    private readonly PrimeClusterSettings _settings;
    private readonly Func<Algorithm, IPrimeKernel> _kernels;
    private readonly LinkedList<Held> _waiting = new();
    private Slice? _running;
    private bool _asked;
    private DateTimeOffset _askedAt;

    /// <summary>The job whose result carried the request out, or null when it went to the coordinator.</summary>
    private IActorRef? _askedVia;
    private readonly MovingAverage _batchMs = new();
    private readonly MovingAverage _roundTripMs = new();
    private IActorRef? _drainRequester;

    /// <summary>Batches given back to their jobs since the worker began to drain.</summary>
    private int _handedBack;

    /// <summary>Holds a batch, as the node's metrics last counted it.</summary>
    private bool _busy;

    /// <param name="kernels">The kernel for each algorithm: <see cref="PrimeKernels.For"/> on every node.</param>
    public WorkerActor(IActorRef coordinator, ComputeScheduler scheduler, PrimeClusterSettings settings, Func<Algorithm, IPrimeKernel> kernels)
    {
        _coordinator = coordinator;
        _scheduler = scheduler;
        _settings = settings;
        _kernels = kernels;
        Become(Working);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef coordinator, ComputeScheduler scheduler, PrimeClusterSettings settings, Func<Algorithm, IPrimeKernel>? kernels = null)
    {
        var source = kernels ?? PrimeKernels.For;
        return Akka.Actor.Props.Create(() => new WorkerActor(coordinator, scheduler, settings, source));
    }

    /// <summary>
    /// Asks for work at once. A kernel is compiled as its first batch runs, which every worker of the node that starts
    /// with it waits for alike: compiling all of them beforehand (a sieve and a formula pass too) cost a starting node
    /// more of its first second than that, before it could even register.
    /// </summary>
    protected override void PreStart()
    {
        ClusterMetrics.WorkersStarted(1);
        Timers.StartPeriodicTimer("poll", Poll.Instance, _settings.IdlePoll);
        AskForWork();
    }

    protected override void PostStop()
    {
        ClusterMetrics.WorkersStarted(-1);
        if (_busy)
        {
            ClusterMetrics.WorkersBusy(-1);
        }
    }

    /// <summary>Whether the worker holds a batch, after each message: what the node's busy workers count.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        var handled = base.AroundReceive(receive, message);
        if (HeldCount > 0 != _busy)
        {
            _busy = !_busy;
            ClusterMetrics.WorkersBusy(_busy ? 1 : -1);
        }

        return handled;
    }

    private int HeldCount => _waiting.Count + (_running?.Batches.Count ?? 0);

    /// <summary>
    /// How many batches to hold: the configured prefetch, or more when batches are shorter than the round trip to the
    /// coordinator, so that the next batch is always at hand. Holding no more than that keeps the end of a job even.
    /// </summary>
    private int Capacity => !_batchMs.HasValue || !_roundTripMs.HasValue
        ? _settings.Prefetch
        : (int)Math.Clamp(1 + Math.Ceiling(_roundTripMs.Value / Math.Max(_batchMs.Value, 0.001)), _settings.Prefetch, MaxHeld);

    private void Working()
    {
        Receive<WorkAssignment>(assignment =>
        {
            if (_asked)
            {
                _roundTripMs.Add((DateTimeOffset.UtcNow - _askedAt).TotalMilliseconds);
            }

            _asked = false;
            Context.Watch(assignment.Job);
            foreach (var batch in assignment.Batches)
            {
                _waiting.AddLast(new Held(assignment.JobId, assignment.Job, assignment.Algorithm, batch, assignment.Token));
            }

            StartNext();
            AskForWork();
        });
        Receive<NoWorkNow>(_ => _asked = false);
        Receive<ChecksCounted>(Counted);
        Receive<Poll>(_ =>
        {
            // A request or its answer can be lost, for instance while the coordinator moves to another seed.
            if (_asked && DateTimeOffset.UtcNow - _askedAt > _settings.IdlePoll * 2)
            {
                _asked = false;
            }

            AskForWork();
        });
        Receive<SliceComputed>(OnComputed);
        Receive<CancelWork>(cancel =>
        {
            RemoveWaiting(h => h.JobId == cancel.JobId);
            CancelRunning(cancel.JobId);
        });
        Receive<DropBatches>(drop =>
        {
            Drop(drop);
            AskForWork();
        });
        Receive<Terminated>(JobGone);
        Receive<Drain>(_ =>
        {
            Become(Draining);
            _drainRequester = Sender;
            HandBack(RemoveWaiting(_ => true));
            FinishDrainIfIdle();
        });
    }

    /// <summary>Leaving: finish what is being computed, give back the rest, ask for nothing more.</summary>
    private void Draining()
    {
        Receive<SliceComputed>(OnComputed);
        Receive<WorkAssignment>(assignment =>
        {
            _asked = false;
            _handedBack += assignment.Batches.Count;
            assignment.Job.Tell(new BatchesReturned(assignment.JobId, assignment.Batches.Select(b => b.Index).ToList(), Self, assignment.Token));
        });
        Receive<CancelWork>(cancel => CancelRunning(cancel.JobId));
        Receive<DropBatches>(Drop);
        Receive<Terminated>(JobGone);
        Receive<BatchesReturnAcknowledged>(_ => { });
        Receive<ChecksCounted>(Counted);
        Receive<Drain>(_ => _drainRequester = Sender);
        ReceiveAny(_ => { });
    }

    /// <summary>Sends the next batch, with the short batches of the same job behind it, to the compute thread.</summary>
    private void StartNext()
    {
        if (_running is not null || _waiting.First is null)
        {
            return;
        }

        var first = _waiting.First.Value;
        var most = _batchMs.HasValue ? Math.Clamp((int)(SliceMilliseconds / Math.Max(_batchMs.Value, 0.001)), 1, MaxHeld) : 1;
        var batches = new List<BatchWork>();
        while (batches.Count < most && _waiting.First is { } next && next.Value.Job.Equals(first.Job))
        {
            batches.Add(next.Value.Batch);
            _waiting.RemoveFirst();
        }

        var slice = new Slice(first.JobId, first.Job, first.Algorithm, batches, first.Token, new CancellationTokenSource());
        _running = slice;
        var kernel = _kernels(first.Algorithm);
        Task.Factory.StartNew(() => Compute(kernel, slice), slice.Cancellation.Token, TaskCreationOptions.None, _scheduler)
            .ContinueWith(
                t => t.IsCompletedSuccessfully ? t.Result : new SliceComputed(slice, [], TimeSpan.Zero, null),
                TaskContinuationOptions.ExecuteSynchronously)
            .PipeTo(Self);
    }

    /// <summary>Runs on the compute thread: the batches in order, stopping at the first failure or cancellation.</summary>
    private static SliceComputed Compute(IPrimeKernel kernel, Slice slice)
    {
        var results = new List<BatchResult>(slice.Batches.Count);
        var clock = Stopwatch.StartNew();
        foreach (var batch in slice.Batches)
        {
            try
            {
                var started = clock.Elapsed;
                results.Add(new BatchResult(batch.Index, kernel.Count(batch.Range.From, batch.Range.Til, slice.Cancellation.Token)));
                ClusterMetrics.BatchComputed(slice.Algorithm, clock.Elapsed - started);
            }
            catch (OperationCanceledException) when (slice.Cancellation.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                return new SliceComputed(slice, results, clock.Elapsed, new BatchFailure(batch, e));
            }
        }

        return new SliceComputed(slice, results, clock.Elapsed, null);
    }

    private void OnComputed(SliceComputed computed)
    {
        var slice = computed.Slice;
        _running = null;
        if (!slice.Cancellation.IsCancellationRequested)
        {
            if (computed.Failure is { } failure)
            {
                // What the slice did not reach goes back to the front of the line.
                foreach (var batch in slice.Batches.SkipWhile(b => b.Index != failure.Batch.Index).Skip(1).Reverse())
                {
                    _waiting.AddFirst(new Held(slice.JobId, slice.Job, slice.Algorithm, batch, slice.Token));
                }
            }

            if (computed.Results.Count > 0)
            {
                _batchMs.Add(computed.Elapsed.TotalMilliseconds / computed.Results.Count);
                var slots = _drainRequester is null ? OpenRequest(slice.Job) : 0;
                slice.Job.Tell(new BatchesCompleted(slice.JobId, computed.Results, Self, slots, HeldCount, slice.Token));
            }

            if (computed.Failure is { } failed)
            {
                _log.Error(failed.Error, "Batch {0} of job {1} ({2}) failed", failed.Batch.Index, slice.JobId, failed.Batch.Range);
                var error = failed.Error.Message;
                slice.Job.Tell(new BatchFailed(slice.JobId, failed.Batch.Index, error.Length <= BatchFailed.MaxErrorLength ? error : error[..BatchFailed.MaxErrorLength], Self, slice.Token));
            }
        }

        slice.Cancellation.Dispose();
        if (_drainRequester is not null)
        {
            HandBack(RemoveWaiting(_ => true));
            FinishDrainIfIdle();
            return;
        }

        StartNext();
        AskForWork();
    }

    /// <summary>
    /// The job's actor is gone: the job is over, or its coordinator's node was lost and another coordinator resumes
    /// it with batches of its own. Either way nobody waits for these results.
    /// </summary>
    private void JobGone(Terminated terminated)
    {
        var dropped = RemoveWaiting(h => h.Job.Equals(terminated.ActorRef));
        var running = _running is { } slice && slice.Job.Equals(terminated.ActorRef) ? slice : null;
        running?.Cancellation.Cancel();
        var unfinished = dropped.Count > 0 || running is not null;
        if (unfinished)
        {
            _log.Info("Job actor {0} is gone; dropped {1} waiting batches", terminated.ActorRef.Path, dropped.Count);
        }

        // A job still holding batches here ended unfinished: its coordinator is likely gone, and with it the request
        // this worker had out. A request that rode with a result to this job may not have been passed on either.
        if (unfinished || (_asked && terminated.ActorRef.Equals(_askedVia)))
        {
            _asked = false;
            AskForWork();
        }
    }

    /// <summary>Batches counted from another worker's copy: gone from the queue, and stopped if they are all that runs.</summary>
    private void Drop(DropBatches drop)
    {
        var dropped = drop.Indices.ToHashSet();
        RemoveWaiting(h => h.JobId == drop.JobId && dropped.Contains(h.Batch.Index));
        if (_running is { } running && running.JobId == drop.JobId && running.Batches.All(b => dropped.Contains(b.Index)))
        {
            running.Cancellation.Cancel();
        }
    }

    private void CancelRunning(JobId jobId)
    {
        if (_running is { } running && running.JobId == jobId)
        {
            running.Cancellation.Cancel();
        }
    }

    /// <summary>Checks of this worker's results that counted: the node's share of the cluster's work.</summary>
    private static void Counted(ChecksCounted counted) => ClusterMetrics.ChecksCounted(counted.Algorithm, counted.Checks);

    private void AskForWork()
    {
        if (OpenRequest(via: null) is var room and > 0)
        {
            _coordinator.Tell(new RequestWork(Self, room, HeldCount, Environment.ProcessorCount));
        }
    }

    /// <summary>
    /// The room to ask for, with the request counted as out by way of <paramref name="via"/> (a job a result goes to)
    /// or of the coordinator; 0 when there is no room or a request is out already.
    /// </summary>
    private int OpenRequest(IActorRef? via)
    {
        var room = Capacity - HeldCount;
        if (_asked || room <= 0)
        {
            return 0;
        }

        _asked = true;
        _askedAt = DateTimeOffset.UtcNow;
        _askedVia = via;
        return room;
    }

    private void HandBack(IEnumerable<Held> batches)
    {
        foreach (var job in batches.GroupBy(h => (h.JobId, h.Job, h.Token)))
        {
            _handedBack += job.Count();
            job.Key.Job.Tell(new BatchesReturned(job.Key.JobId, job.Select(h => h.Batch.Index).ToList(), Self, job.Key.Token));
        }
    }

    private void FinishDrainIfIdle()
    {
        if (_running is null)
        {
            _drainRequester?.Tell(new Drained(_handedBack));
        }
    }

    private List<Held> RemoveWaiting(Func<Held, bool> which)
    {
        var removed = _waiting.Where(which).ToList();
        foreach (var held in removed)
        {
            _waiting.Remove(held);
        }

        return removed;
    }

    /// <summary>Asks a worker to stop taking work and hand back what it has not started; answered with <see cref="Drained"/>.</summary>
    public sealed class Drain : INoSerializationVerificationNeeded
    {
        public static readonly Drain Instance = new();

        private Drain()
        {
        }
    }

    /// <summary>The worker computes nothing more; it gave back <paramref name="HandedBack"/> batches it had not started.</summary>
    public sealed record Drained(int HandedBack) : INoSerializationVerificationNeeded;

    private sealed record Held(JobId JobId, IActorRef Job, Algorithm Algorithm, BatchWork Batch, AssignmentToken Token) : INoSerializationVerificationNeeded;

    /// <summary>Batches of one job computed in one go on the compute thread.</summary>
    private sealed record Slice(JobId JobId, IActorRef Job, Algorithm Algorithm, IReadOnlyList<BatchWork> Batches, AssignmentToken Token, CancellationTokenSource Cancellation)
        : INoSerializationVerificationNeeded;

    private sealed record BatchFailure(BatchWork Batch, Exception Error);

    private sealed record SliceComputed(Slice Slice, IReadOnlyList<BatchResult> Results, TimeSpan Elapsed, BatchFailure? Failure)
        : INoSerializationVerificationNeeded;

    private sealed class Poll : INoSerializationVerificationNeeded
    {
        public static readonly Poll Instance = new();

        private Poll()
        {
        }
    }
}
