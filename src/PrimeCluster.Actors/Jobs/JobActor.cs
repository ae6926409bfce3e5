using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Coordination;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Core.Planning;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// One job: hands its batches to workers that ask, counts each batch's tally exactly once, and reports progress and
/// the result to the coordinator, its parent. Batches held by a lost worker go back to the queue. Its progress
/// reports are checkpoints, from which a coordinator on another node resumes the job if this one's node is lost.
/// </summary>
public sealed class JobActor : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly JobId _id;
    private readonly JobSpec _spec;
    private readonly PrimeClusterSettings _settings;
    private readonly BatchPlan _plan;
    private readonly BatchLedger<IActorRef> _ledger;
    private readonly ulong _planFingerprint;
    private readonly DateTimeOffset _submittedAt;
    private readonly int _workers;
    private readonly Stopwatch _clock = new();

    /// <summary>When each batch out was handed out (Stopwatch timestamps), to tell a late one.</summary>
    private readonly Dictionary<long, long> _handedOutAt = [];
    private readonly TimeSpan _elapsedBefore;
    private Tally _soFar = Tally.Zero;
    private UInt128 _estimatedChecks;
    private bool _estimateIsExact;
    private JobState _state = JobState.Queued;
    private DateTimeOffset? _startedAt;
    private bool? _announcedWaiting;
    private long _reportedDone = -1;

    /// <summary>How long batches of this job have been out, from hand-out to result, on average (seconds).</summary>
    private double _averageOut = double.NaN;

    /// <param name="start">Where the job starts: a new job's checkpoint has nothing done; a resumed one's, what was.</param>
    /// <param name="plan">The plan <paramref name="start"/> was taken of.</param>
    public JobActor(JobCheckpoint start, BatchPlan plan, PrimeClusterSettings settings)
    {
        var view = start.View;
        _id = view.Id;
        _spec = view.Spec;
        _plan = plan;
        _planFingerprint = start.PlanFingerprint;
        _workers = view.Workers;
        _submittedAt = view.SubmittedAt;
        _settings = settings;
        _ledger = BatchLedger<IActorRef>.Resume(plan.Count, start.Done);
        _soFar = view.SoFar;
        _state = view.State;
        _startedAt = view.StartedAt;
        _elapsedBefore = view.Elapsed;
        _estimatedChecks = view.EstimatedChecks;
        _estimateIsExact = view.EstimateIsExact;

        Receive<JobControl.OfferWork>(HandOut);
        Receive<BatchesCompleted>(Completed);
        Receive<BatchFailed>(Failed);
        Receive<BatchesReturned>(Returned);
        Receive<JobControl.WorkerLost>(lost => Requeue(lost.Worker, "was lost"));
        Receive<JobControl.Cancel>(_ => Finish(JobState.Cancelled, error: null));
        Receive<JobControl.GetHeld>(_ => Sender.Tell(new JobControl.Held(_ledger.Holders.ToDictionary(w => w, _ledger.HeldBy))));
        Receive<ExactTotal>(exact =>
        {
            _estimatedChecks = exact.Checks;
            _estimateIsExact = true;
        });
        Receive<ReportProgress>(_ => ReportIfChanged());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(JobCheckpoint start, BatchPlan plan, PrimeClusterSettings settings) =>
        Akka.Actor.Props.Create(() => new JobActor(start, plan, settings));

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("progress", ReportProgress.Instance, _settings.ProgressInterval);
        if (_ledger.AllDone)
        {
            Finish(JobState.Done, error: null);
            return;
        }

        if (!_estimateIsExact && _spec.Algorithm == Algorithm.Trial && CostModel.EstimateSeconds(_spec.Range, Algorithm.Sieve) <= _settings.ExactEstimateLimit.TotalSeconds)
        {
            // The sieve gives trial division's exact total of checks at a small fraction of the cost: exact progress.
            var range = _spec.Range;
            Task.Run(() => new ExactTotal(SieveKernel.Instance.Count(range.From, range.Til).CheckCount)).PipeTo(Self);
        }

        AnnounceWaiting();
    }

    private void HandOut(JobControl.OfferWork offer)
    {
        // Near the end, spread what is left one by one, so no worker sits on batches while another has none; at the
        // very end, a worker races a copy of a batch that is late, and one with nothing of this job left races a copy
        // of a batch waiting at a busy worker rather than wait for that worker to get to it.
        var fairShare = (int)Math.Clamp(_ledger.WaitingEstimate / _workers, 1, Math.Max(1, offer.Slots));
        var emptyHanded = _ledger.HeldBy(offer.Worker) == 0;
        IReadOnlyList<long> indices = offer.Backup
            ? _ledger.TakeCopy(offer.Worker, index => Overdue(index) || (emptyHanded && QueuedBehindAnother(index))) is { } copy ? [copy] : []
            : _ledger.Take(offer.Worker, fairShare);
        if (indices.Count == 0)
        {
            Sender.Tell(new JobControl.NoWorkLeft(_id, offer.Worker, offer.Slots, offer.Backup));
            AnnounceWaiting();
            return;
        }

        if (_state == JobState.Queued)
        {
            _state = JobState.Running;
            _startedAt = DateTimeOffset.UtcNow;
        }

        _clock.Start();

        if (offer.Backup)
        {
            _ledger.IsRaced(indices[0], offer.Worker, out var holder);
            var why = Overdue(indices[0]) ? "is late with" : "waits behind another batch with";
            _log.Info("Job {0}: batch {1} {2} {3}; a copy goes to {4}", _id, indices[0], why, holder?.Path, offer.Worker.Path);
        }
        else
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var index in indices)
            {
                _handedOutAt[index] = now;
            }
        }

        var batches = indices.Select(i => new BatchWork(i, _plan[i].Range)).ToList();
        offer.Worker.Tell(new WorkAssignment(_id, Self, _spec.Algorithm, batches));
        AnnounceWaiting();
    }

    private void Completed(BatchesCompleted completed)
    {
        Dictionary<IActorRef, List<long>>? losers = null;
        foreach (var result in completed.Results)
        {
            var raced = _ledger.IsRaced(result.Index, completed.Worker, out var rival);
            if (_ledger.Complete(result.Index))
            {
                _soFar += result.Tally;

                // A race's time is a late batch's, not a typical one's.
                if (_handedOutAt.Remove(result.Index, out var handedOutAt) && !raced)
                {
                    var seconds = Stopwatch.GetElapsedTime(handedOutAt).TotalSeconds;
                    _averageOut = double.IsNaN(_averageOut) ? seconds : (0.8 * _averageOut) + (0.2 * seconds);
                }

                if (raced)
                {
                    losers ??= [];
                    losers.TryAdd(rival!, []);
                    losers[rival!].Add(result.Index);
                }
            }
            else
            {
                _log.Debug("Job {0}: batch {1} reported again by {2}; counted once already", _id, result.Index, completed.Worker);
            }
        }

        if (_ledger.AllDone)
        {
            Finish(JobState.Done, error: null);
        }
        else
        {
            // The copies that lost the race are not worth finishing.
            foreach (var (worker, indices) in losers ?? [])
            {
                worker.Tell(new DropBatches(_id, indices));
            }
        }

        PassOnRequest(completed);
    }

    /// <summary>A request for more work that came with results goes where every request goes: the coordinator.</summary>
    private static void PassOnRequest(BatchesCompleted completed)
    {
        if (completed.Slots > 0)
        {
            Context.Parent.Tell(new RequestWork(completed.Worker, completed.Slots, completed.InFlight));
        }
    }

    private void Failed(BatchFailed failed)
    {
        var failures = _ledger.Fail(failed.Index, failed.Worker);
        _log.Warning("Job {0}: batch {1} failed on {2} ({3} of {4} attempts): {5}", _id, failed.Index, failed.Worker, failures, _settings.MaxAttempts, failed.Error);
        if (failures >= _settings.MaxAttempts)
        {
            Finish(JobState.Failed, $"batch {failed.Index} ({_plan[failed.Index].Range}) failed {failures} times: {failed.Error}");
            return;
        }

        AnnounceWaiting();
    }

    private void Returned(BatchesReturned returned)
    {
        foreach (var index in returned.Indices)
        {
            _ledger.Return(index, returned.Worker);
        }

        Sender.Tell(new BatchesReturnAcknowledged(_id));
        AnnounceWaiting();
    }

    private void Requeue(IActorRef worker, string why)
    {
        var count = _ledger.ReturnAllHeldBy(worker);
        if (count > 0)
        {
            _log.Info("Job {0}: worker {1} {2}; its {3} batches go back to the queue", _id, worker.Path, why, count);
            AnnounceWaiting();
        }
    }

    private void Finish(JobState state, string? error)
    {
        _state = state;
        _clock.Stop();
        foreach (var holder in _ledger.Holders)
        {
            holder.Tell(new CancelWork(_id));
        }

        var view = View(finishedAt: DateTimeOffset.UtcNow, error);
        _log.Info("Job {0} {1}: {2} {3} in {4:F1} ms", _id, state.Name(), _spec.Range, _soFar, view.Elapsed.TotalMilliseconds);
        Context.Parent.Tell(new JobControl.Finished(view));
        Timers.CancelAll();
        Become(Over);
    }

    /// <summary>
    /// Finished, until the coordinator stops it: an offer it sent before it heard of the end still gets an answer,
    /// so no worker's request is lost with this actor.
    /// </summary>
    private void Over()
    {
        Receive<JobControl.OfferWork>(offer => Sender.Tell(new JobControl.NoWorkLeft(_id, offer.Worker, offer.Slots, offer.Backup)));
        Receive<BatchesReturned>(_ => Sender.Tell(new BatchesReturnAcknowledged(_id)));
        Receive<BatchesCompleted>(PassOnRequest);
        Receive<JobControl.GetHeld>(_ => Sender.Tell(new JobControl.Held(new Dictionary<IActorRef, int>())));
        ReceiveAny(_ => { });
    }

    /// <summary>
    /// Out more than twice as long as this job's batches take on average: a worker that slow, or cut off, is worth
    /// racing.
    /// </summary>
    private bool Overdue(long index) =>
        _handedOutAt.TryGetValue(index, out var handedOutAt) && Stopwatch.GetElapsedTime(handedOutAt).TotalSeconds > 2 * _averageOut;

    /// <summary>
    /// Out with a worker that holds another batch of this job handed out before it: that worker computes its batches
    /// in turn, so this one has likely not started, and an idle worker that takes a copy now finishes it sooner.
    /// </summary>
    private bool QueuedBehindAnother(long index) =>
        _handedOutAt.TryGetValue(index, out var handedOutAt)
        && _ledger.HeldAlongside(index).Any(other => _handedOutAt.TryGetValue(other, out var before) && (before < handedOutAt || (before == handedOutAt && other < index)));

    private void AnnounceWaiting()
    {
        var waiting = _ledger.HasWaiting;
        if (waiting != _announcedWaiting)
        {
            _announcedWaiting = waiting;
            Context.Parent.Tell(new JobControl.HasWork(_id, waiting));
        }
    }

    private void ReportIfChanged()
    {
        if (_ledger.Done != _reportedDone || _state == JobState.Queued)
        {
            _reportedDone = _ledger.Done;
            Context.Parent.Tell(new JobControl.Updated(new JobCheckpoint(View(finishedAt: null, error: null), _plan.Options.BatchesPerWorker, _plan.Options.MaxBatchDuration, _planFingerprint, _ledger.DoneSpans())));
        }
    }

    private JobView View(DateTimeOffset? finishedAt, string? error) => new(
        _id,
        _spec,
        _state,
        _ledger.Done,
        _ledger.Count,
        _soFar,
        _estimatedChecks,
        _estimateIsExact,
        _workers,
        _submittedAt,
        _startedAt,
        finishedAt,
        _elapsedBefore + _clock.Elapsed,
        error);

    private sealed record ExactTotal(UInt128 Checks) : INoSerializationVerificationNeeded;

    private sealed class ReportProgress : INoSerializationVerificationNeeded
    {
        public static readonly ReportProgress Instance = new();

        private ReportProgress()
        {
        }
    }
}
