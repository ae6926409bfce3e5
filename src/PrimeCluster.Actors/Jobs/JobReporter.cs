using System.Diagnostics;
using Akka.Actor;
using PrimeCluster.Actors.Diagnostics;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Planning;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// What a job tells others of itself, and the figures it tells: its view (state, tally, estimate, workers, times) to
/// the coordinator as it moves, for subscribers and the dashboard, what its workers did to the cluster monitor, its
/// timeline to those who follow its batches, and the checks each worker's results counted to that worker, for its
/// node's metrics, at each progress tick; its checkpoint to the coordinator, for the seeds' journal, at each checkpoint
/// tick. Only what changed, at either.
/// </summary>
internal sealed class JobReporter
{
    private readonly JobId _id;
    private readonly JobSpec _spec;
    private readonly BatchPlan _plan;
    private readonly ulong _planFingerprint;
    private readonly BatchLedger<IActorRef> _ledger;
    private readonly RecentHandOuts<IActorRef> _recent;
    private readonly ActorSystem _system;
    private readonly IActorRef _coordinator;
    private readonly IActorRef _monitor;
    private readonly DateTimeOffset _submittedAt;
    private readonly TimeSpan _elapsedBefore;
    private readonly Stopwatch _clock = new();
    private readonly CheckCredits _credits = new();

    /// <summary>Who follows the job's batches: told of each change at every tick.</summary>
    private readonly HashSet<IActorRef> _batchWatchers = [];

    /// <summary>The checks and numbers each node's results carried since the last report of activity.</summary>
    private readonly Dictionary<Address, JobControl.Counted> _countedByNode = [];
    private IReadOnlyDictionary<IActorRef, int> _reportedHeld = new Dictionary<IActorRef, int>();
    private DateTimeOffset? _startedAt;
    private UInt128 _estimatedChecks;

    /// <summary>The cluster's workers that may take this job's batches, as the coordinator last said.</summary>
    private int _availableWorkers;
    /// <summary>What the last view told, and the last checkpoint.</summary>
    private Moved? _told;
    private Moved? _checkpointed;

    /// <param name="start">The job's view and what its plan was cut from, as it starts here.</param>
    /// <param name="coordinator">Told the job's progress, as checkpoints.</param>
    /// <param name="monitor">Told what the job's workers did.</param>
    public JobReporter(JobCheckpoint start, BatchPlan plan, BatchLedger<IActorRef> ledger, RecentHandOuts<IActorRef> recent, ActorSystem system, IActorRef coordinator, IActorRef monitor)
    {
        var view = start.View;
        _id = view.Id;
        _spec = view.Spec;
        _plan = plan;
        _planFingerprint = start.PlanFingerprint;
        _ledger = ledger;
        _recent = recent;
        _system = system;
        _coordinator = coordinator;
        _monitor = monitor;
        _submittedAt = view.SubmittedAt;
        _elapsedBefore = view.Elapsed;
        _availableWorkers = view.Workers;
        _startedAt = view.StartedAt;
        _estimatedChecks = view.EstimatedChecks;
        EstimateIsExact = view.EstimateIsExact;
        SoFar = view.SoFar;
        State = view.State;
    }

    public JobState State { get; private set; }

    /// <summary>The sum of the tallies counted.</summary>
    public Tally SoFar { get; private set; }

    public bool EstimateIsExact { get; private set; }

    /// <summary>How long the job has run, here and before it was resumed here.</summary>
    public TimeSpan Elapsed => _elapsedBefore + _clock.Elapsed;

    /// <summary>Batches were handed out: the job runs, and its clock with it.</summary>
    public void Running()
    {
        if (State == JobState.Queued)
        {
            State = JobState.Running;
            _startedAt = DateTimeOffset.UtcNow;
        }

        _clock.Start();
    }

    /// <summary>A tally counts: it joins the job's, and its checks are owed to the worker whose result it was.</summary>
    public void Counted(IActorRef worker, Tally tally)
    {
        SoFar += tally;
        _credits.Add(worker, tally);
    }

    /// <summary>Tallies counted before are taken back (their worker was caught with a wrong one).</summary>
    public void Uncounted(Tally tally) => SoFar -= tally;

    /// <summary>The checks and numbers a worker's result of a batch carried, counted or held for a check: its node's throughput.</summary>
    public void Computed(IActorRef worker, long index, Tally tally)
    {
        var node = NodeAddress.Of(worker, _system);
        _countedByNode[node] = _countedByNode.GetValueOrDefault(node) + new JobControl.Counted(tally.CheckCount, _plan[index].Range.Width);
    }

    public void ExactEstimate(UInt128 checks)
    {
        _estimatedChecks = checks;
        EstimateIsExact = true;
    }

    /// <summary>Told at the next tick: workers joining by the hundred make one report, not a hundred.</summary>
    public void AvailableWorkers(int count) => _availableWorkers = count;

    /// <summary>
    /// At each progress tick: the job's view when it moved (its done batches, its workers or its state changed), the
    /// checks its workers are owed, what they did, and its timeline's changes.
    /// </summary>
    public void Tick()
    {
        _credits.Pay(_id, _spec.Algorithm);
        if (Now() is var moved && moved != _told)
        {
            _told = moved;
            _coordinator.Tell(new JobControl.Progress(View()));
        }

        ReportActivity();
        TellBatchWatchers();
    }

    /// <summary>At each checkpoint tick: the job's checkpoint when it moved since the last.</summary>
    public void Checkpoint()
    {
        if (Now() is var moved && moved != _checkpointed)
        {
            _checkpointed = moved;
            _coordinator.Tell(new JobControl.Updated(new JobCheckpoint(View(), _plan.Options.BatchesPerWorker, _plan.Options.MaxBatchDuration, _planFingerprint, _ledger.DoneSpans(), _plan.Options.Workers)));
        }
    }

    /// <summary>
    /// Batches done before are done no more: the last checkpoint counts them, with tallies that may be wrong. The
    /// checkpoint is replaced now, and the progress shown steps back, whatever the ticks.
    /// </summary>
    public void Reopened()
    {
        _checkpointed = _told = null;
        Tick();
        Checkpoint();
    }

    /// <summary>The job is over: its last figures go out, and its view as it ended.</summary>
    public JobView Finish(JobState state, string? error)
    {
        State = state;
        _clock.Stop();
        _credits.Pay(_id, _spec.Algorithm);
        ReportActivity();
        TellBatchWatchers();
        return View(finishedAt: DateTimeOffset.UtcNow, error);
    }

    /// <summary>A subscriber follows the job's batches from now on: it gets those kept at once, then each change.</summary>
    public bool Watch(IActorRef subscriber)
    {
        if (!_batchWatchers.Add(subscriber))
        {
            return false;
        }

        _recent.Tracking = true;
        subscriber.Tell(Timeline(snapshot: true));
        return true;
    }

    public void Unwatch(IActorRef subscriber)
    {
        _batchWatchers.Remove(subscriber);
        _recent.Tracking = _batchWatchers.Count > 0;
    }

    /// <summary>The job's hand-outs: every one kept, or those that changed since the last.</summary>
    public BatchTimeline Timeline(bool snapshot)
    {
        BatchRecord Record(HandOut<IActorRef> h, BatchOutcome shown) => new(
            h.Index,
            _plan[h.Index].Range,
            h.Worker.Path.ToStringWithoutAddress(),
            NodeAddress.Of(h.Worker, _system),
            h.HandedOutAt,
            h.EndedAt,
            shown);
        return new BatchTimeline(_id, snapshot ? _recent.Snapshot(Record) : _recent.TakeChanges(Record), snapshot);
    }

    /// <summary>Tells the monitor what the job's workers did since the last tick, when there is anything new.</summary>
    private void ReportActivity()
    {
        var held = _ledger.Holders.ToDictionary(w => w, _ledger.HeldBy);
        if (_countedByNode.Count == 0 && held.Count == _reportedHeld.Count && held.All(h => _reportedHeld.TryGetValue(h.Key, out var before) && before == h.Value))
        {
            return;
        }

        _monitor.Tell(new JobControl.Activity(_id, _spec.Algorithm, new Dictionary<Address, JobControl.Counted>(_countedByNode), held));
        _countedByNode.Clear();
        _reportedHeld = held;
    }

    private void TellBatchWatchers()
    {
        if (_batchWatchers.Count > 0 && Timeline(snapshot: false) is { Batches.Count: > 0 } changes)
        {
            foreach (var watcher in _batchWatchers)
            {
                watcher.Tell(changes);
            }
        }
    }

    private Moved Now() => new(_ledger.DoneVersion, _availableWorkers, State);

    private JobView View(DateTimeOffset? finishedAt = null, string? error = null) => new(
        _id,
        _spec,
        State,
        _ledger.Done,
        _ledger.Count,
        SoFar,
        _estimatedChecks,
        EstimateIsExact,
        _availableWorkers,
        _submittedAt,
        _startedAt,
        finishedAt,
        Elapsed,
        error);

    /// <summary>What makes a job's progress worth telling: the batches done, the workers that may take its batches, its state.</summary>
    private readonly record struct Moved(long DoneVersion, int Workers, JobState State);
}
