using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Kernels;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Actors.Workers;

/// <summary>
/// Computes one batch at a time on its own thread and pulls more from the coordinator while it has room, holding
/// a few batches ahead so that it never waits on the network between two. Keeps no job state: every batch carries
/// what it needs, and every result goes straight to the job that handed it out.
/// </summary>
public sealed class WorkerActor : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    /// <summary>Short batches make a worker hold more of them, up to this many, to cover the round trip to the coordinator.</summary>
    private const int MaxHeld = 64;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _coordinator;
    private readonly ComputeScheduler _scheduler;
    private readonly PrimeClusterSettings _settings;
    private readonly LinkedList<Held> _waiting = new();
    private Running? _running;
    private bool _asked;
    private DateTimeOffset _askedAt;
    private double _averageBatchMs = double.NaN;
    private double _averageRoundTripMs = double.NaN;
    private IActorRef? _drainRequester;

    public WorkerActor(IActorRef coordinator, ComputeScheduler scheduler, PrimeClusterSettings settings)
    {
        _coordinator = coordinator;
        _scheduler = scheduler;
        _settings = settings;
        Become(WarmingUp);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    public static Props Props(IActorRef coordinator, ComputeScheduler scheduler, PrimeClusterSettings settings) =>
        Akka.Actor.Props.Create(() => new WorkerActor(coordinator, scheduler, settings));

    protected override void PreStart() =>
        Task.Factory.StartNew(WarmUp.EnsureDone, CancellationToken.None, TaskCreationOptions.None, _scheduler)
            .PipeTo(Self, success: () => WarmedUp.Instance);

    private int HeldCount => _waiting.Count + (_running is null ? 0 : 1);

    /// <summary>
    /// How many batches to hold: the configured prefetch, or more when batches are shorter than the round trip to the
    /// coordinator, so that the next batch is always at hand. Holding no more than that keeps the end of a job even.
    /// </summary>
    private int Capacity => double.IsNaN(_averageBatchMs) || double.IsNaN(_averageRoundTripMs)
        ? _settings.Prefetch
        : (int)Math.Clamp(1 + Math.Ceiling(_averageRoundTripMs / Math.Max(_averageBatchMs, 0.001)), _settings.Prefetch, MaxHeld);

    private void WarmingUp()
    {
        Receive<WarmedUp>(_ =>
        {
            Become(Working);
            Stash.UnstashAll();
            Timers.StartPeriodicTimer("poll", Poll.Instance, _settings.IdlePoll);
            AskForWork();
        });
        Receive<Status.Failure>(failure =>
        {
            _log.Warning(failure.Cause, "Warming up the kernels failed; the first batches will compile them");
            Self.Tell(WarmedUp.Instance);
        });
        Receive<Drain>(_ => Sender.Tell(Drained.Instance));
        ReceiveAny(_ => Stash.Stash());
    }

    private void Working()
    {
        Receive<WorkAssignment>(assignment =>
        {
            if (_asked)
            {
                _averageRoundTripMs = Average(_averageRoundTripMs, (DateTimeOffset.UtcNow - _askedAt).TotalMilliseconds);
            }

            _asked = false;
            foreach (var batch in assignment.Batches)
            {
                _waiting.AddLast(new Held(assignment.JobId, assignment.Job, assignment.Algorithm, batch));
            }

            StartNext();
            AskForWork();
        });
        Receive<NoWorkNow>(_ => _asked = false);
        Receive<WorkAvailable>(_ => AskForWork());
        Receive<Poll>(_ =>
        {
            // A request or its answer can be lost, for instance while the coordinator moves to another seed.
            if (_asked && DateTimeOffset.UtcNow - _askedAt > _settings.IdlePoll * 2)
            {
                _asked = false;
            }

            AskForWork();
        });
        Receive<BatchComputed>(OnComputed);
        Receive<CancelWork>(cancel =>
        {
            var dropped = RemoveWaiting(h => h.JobId == cancel.JobId);
            if (_running is { } running && running.Batch.JobId == cancel.JobId)
            {
                running.Cancellation.Cancel();
            }

            _log.Debug("Job {0} is over: dropped {1} waiting batches", cancel.JobId, dropped.Count);
        });
        Receive<Drain>(_ =>
        {
            Become(Draining);
            _drainRequester = Sender;
            HandBackWaiting();
            FinishDrainIfIdle();
        });
    }

    /// <summary>Leaving: finish the batch being computed, give back the rest, ask for nothing more.</summary>
    private void Draining()
    {
        Receive<BatchComputed>(OnComputed);
        Receive<WorkAssignment>(assignment =>
        {
            _asked = false;
            assignment.Job.Tell(new BatchesReturned(assignment.JobId, assignment.Batches.Select(b => b.Index).ToList(), Self));
        });
        Receive<CancelWork>(cancel =>
        {
            if (_running is { } running && running.Batch.JobId == cancel.JobId)
            {
                running.Cancellation.Cancel();
            }
        });
        Receive<BatchesReturnAcknowledged>(_ => { });
        Receive<Drain>(_ => _drainRequester = Sender);
        ReceiveAny(_ => { });
    }

    private void StartNext()
    {
        if (_running is not null || _waiting.First is null)
        {
            return;
        }

        var held = _waiting.First.Value;
        _waiting.RemoveFirst();
        var cancellation = new CancellationTokenSource();
        var token = cancellation.Token;
        _running = new Running(held, cancellation);
        var kernel = PrimeKernels.For(held.Algorithm);
        var range = held.Batch.Range;
        Task.Factory.StartNew(
                () =>
                {
                    var clock = Stopwatch.StartNew();
                    var tally = kernel.Count(range.From, range.Til, token);
                    return new BatchComputed(held, tally, clock.Elapsed, null);
                },
                token,
                TaskCreationOptions.None,
                _scheduler)
            .ContinueWith(
                t => t.IsCompletedSuccessfully
                    ? t.Result
                    : new BatchComputed(held, Tally.Zero, TimeSpan.Zero, t.IsCanceled ? null : t.Exception?.GetBaseException()),
                TaskScheduler.Default)
            .PipeTo(Self);
    }

    private void OnComputed(BatchComputed computed)
    {
        var running = _running;
        _running = null;
        var cancelled = running?.Cancellation.IsCancellationRequested ?? false;
        running?.Cancellation.Dispose();
        var batch = computed.Batch;
        if (cancelled)
        {
            // The job was cancelled or finished elsewhere: nothing to report.
        }
        else if (computed.Error is null)
        {
            batch.Job.Tell(new BatchCompleted(batch.JobId, batch.Batch.Index, computed.Tally, Self));
            _averageBatchMs = Average(_averageBatchMs, computed.Elapsed.TotalMilliseconds);
        }
        else
        {
            _log.Error(computed.Error, "Batch {0} of job {1} ({2}) failed", batch.Batch.Index, batch.JobId, batch.Batch.Range);
            batch.Job.Tell(new BatchFailed(batch.JobId, batch.Batch.Index, computed.Error.Message, Self));
        }

        if (_drainRequester is not null)
        {
            FinishDrainIfIdle();
            return;
        }

        StartNext();
        AskForWork();
    }

    private static double Average(double average, double sample) => double.IsNaN(average) ? sample : (0.8 * average) + (0.2 * sample);

    private void AskForWork()
    {
        var room = Capacity - HeldCount;
        if (_asked || room <= 0)
        {
            return;
        }

        _asked = true;
        _askedAt = DateTimeOffset.UtcNow;
        _coordinator.Tell(new RequestWork(Self, room, HeldCount));
    }

    private void HandBackWaiting()
    {
        foreach (var job in RemoveWaiting(_ => true).GroupBy(h => (h.JobId, h.Job)))
        {
            job.Key.Job.Tell(new BatchesReturned(job.Key.JobId, job.Select(h => h.Batch.Index).ToList(), Self));
        }
    }

    private void FinishDrainIfIdle()
    {
        if (_running is null)
        {
            _drainRequester?.Tell(Drained.Instance);
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

    public sealed class Drained : INoSerializationVerificationNeeded
    {
        public static readonly Drained Instance = new();

        private Drained()
        {
        }
    }

    private sealed record Held(JobId JobId, IActorRef Job, Algorithm Algorithm, BatchWork Batch) : INoSerializationVerificationNeeded;

    private sealed record Running(Held Batch, CancellationTokenSource Cancellation) : INoSerializationVerificationNeeded;

    private sealed record BatchComputed(Held Batch, Tally Tally, TimeSpan Elapsed, Exception? Error) : INoSerializationVerificationNeeded;

    private sealed class WarmedUp : INoSerializationVerificationNeeded
    {
        public static readonly WarmedUp Instance = new();

        private WarmedUp()
        {
        }
    }

    private sealed class Poll : INoSerializationVerificationNeeded
    {
        public static readonly Poll Instance = new();

        private Poll()
        {
        }
    }
}
