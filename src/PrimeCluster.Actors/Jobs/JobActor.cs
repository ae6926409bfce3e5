using Akka.Actor;
using Akka.Event;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Diagnostics;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Core.Planning;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// One job: hands its batches to workers that ask, counts each batch's tally exactly once, and reports progress and
/// the result to the coordinator, its parent. Batches held by a lost worker go back to the queue. Its checkpoints let
/// a coordinator on another node resume the job if this one's node is lost. The actor is the message loop over the
/// job's parts: its <see cref="BatchLedger{TWorker}"/> (where each batch stands), <see cref="SpeculationPolicy{TWorker}"/>
/// (how many batches a worker gets, and when a copy races a late one), <see cref="TallyCheckPolicy"/> (how a result is
/// checked), the <see cref="TallyVerifier"/> (true tallies) and <see cref="JobReporter"/> (what it tells of itself).
/// </summary>
/// <remarks>
/// No tally counts on trust. A trial result counts once the sieve, on this node, gives the same; a sieve or formula
/// result, which costs as much to check as to compute, is checked at random: it waits until another worker's count
/// of the batch agrees, and when the two differ, this node computes it to settle which is wrong. A worker with a wrong
/// tally is excluded from the job, the tallies it had counted unchecked are taken back and their batches counted
/// again, and the coordinator is told of its node; a worker excluded only for another of its node may be taken back
/// (<see cref="JobControl.Readmit"/>), one caught here never is. Only a worker a batch was handed to may report it,
/// and only the worker itself: a result, failure or return echoes the <see cref="AssignmentToken"/> the job gave that
/// worker alone (<see cref="AssignmentTokens"/>), or it is refused before it touches the ledger, so that a member
/// naming another worker can neither count for it nor make it look wrong.
/// </remarks>
public sealed class JobActor : ReceiveActor, IWithTimers
{
    private const int MaxLoggedUnheld = 1000;

    /// <summary>Senders (by node and reason) whose forged messages were logged: one line each, and bounded.</summary>
    private const int MaxLoggedForgers = 1000;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly JobId _id;
    private readonly JobSpec _spec;
    private readonly PrimeClusterSettings _settings;
    private readonly BatchPlan _plan;
    private readonly BatchLedger<IActorRef> _ledger;
    private readonly SpeculationPolicy<IActorRef> _speculation;
    private readonly JobReporter _reporter;
    private readonly TallyCheckPolicy _checks;
    private readonly TallyVerifier _verifier;
    private readonly CancellationTokenSource _verification = new();
    private readonly AssignmentTokens _tokens = new();
    private readonly HashSet<(Address Node, string Reason)> _loggedForgers = [];

    /// <summary>Workers that have asked this job for work and are not known to be gone: who could give a second opinion.</summary>
    private readonly HashSet<IActorRef> _askers = [];

    /// <summary>Workers that reported batches they do not hold, logged once each; bounded, as the names come from messages.</summary>
    private readonly HashSet<IActorRef> _reportedUnheld = [];
    private bool? _announcedWaiting;

    /// <summary>The only running job with batches waiting, as the coordinator last said.</summary>
    private bool _alone;

    /// <summary>Every worker of the cluster is excluded from the job for a wrong tally of its own, as the coordinator last said.</summary>
    private bool _onlyLiarsLeft;

    /// <param name="start">Where the job starts: a new job's checkpoint has nothing done; a resumed one's, what was.</param>
    /// <param name="plan">The plan <paramref name="start"/> was taken of.</param>
    /// <param name="verifier">Computes the true tallies of batches whose results are checked.</param>
    /// <param name="monitor">Told of the job's <see cref="JobControl.Activity"/>; nobody unless given.</param>
    /// <param name="time">The clock hand-outs are timed by; the system's unless given.</param>
    public JobActor(JobCheckpoint start, BatchPlan plan, PrimeClusterSettings settings, TallyVerifier verifier, IActorRef? monitor = null, TimeProvider? time = null)
    {
        var view = start.View;
        _id = view.Id;
        _spec = view.Spec;
        _plan = plan;
        _settings = settings;
        _verifier = verifier;
        var clock = time ?? TimeProvider.System;
        _ledger = BatchLedger<IActorRef>.Resume(plan.Count, start.Done, clock);
        _speculation = new SpeculationPolicy<IActorRef>(_ledger, clock, plan.Options.Workers);
        var recent = new RecentHandOuts<IActorRef>();
        _ledger.Observe(_speculation);
        _ledger.Observe(recent);
        _checks = new TallyCheckPolicy(plan, _spec.Algorithm, settings);
        _reporter = new JobReporter(start, plan, _ledger, recent, Context.System, Context.Parent, monitor ?? ActorRefs.Nobody);

        Receive<JobControl.OfferWork>(HandOut);
        Receive<BatchesCompleted>(Completed);
        Receive<Verified>(Settle);
        Receive<VerificationFailed>(failed => Finish(JobState.Failed, $"verifying results failed: {failed.Cause.Message}"));
        Receive<BatchFailed>(Failed);
        Receive<BatchesReturned>(Returned);
        Receive<JobControl.WorkerLost>(lost =>
        {
            _askers.Remove(lost.Worker);
            _tokens.Forget(lost.Worker);
            Requeue(lost.Worker, "was lost");
        });
        Receive<JobControl.Cancel>(_ => Finish(JobState.Cancelled, error: null));
        Receive<JobControl.GetHeld>(_ => Sender.Tell(new JobControl.Held(_ledger.Holders.ToDictionary(w => w, _ledger.HeldBy), _ledger.Excluded.ToList())));
        Receive<JobControl.Exclude>(exclude => ExcludeForItsNode(exclude.Worker));
        Receive<JobControl.Readmit>(Readmit);
        Receive<ExactTotal>(exact => _reporter.ExactEstimate(exact.Checks));
        Receive<Tick>(_ => _reporter.Tick(), tick => tick == Tick.Progress);
        Receive<Tick>(_ => _reporter.Checkpoint(), tick => tick == Tick.Checkpoint);
        Receive<JobControl.WatchBatches>(watch =>
        {
            if (_reporter.Watch(watch.Subscriber))
            {
                Context.Watch(watch.Subscriber);
            }
        });
        Receive<Terminated>(terminated => _reporter.Unwatch(terminated.ActorRef));
        Receive<JobControl.AvailableWorkers>(AvailableWorkers);
        Receive<JobControl.Alone>(alone => _alone = alone.IsAlone);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(JobCheckpoint start, BatchPlan plan, PrimeClusterSettings settings, TallyVerifier verifier, IActorRef? monitor = null, TimeProvider? time = null) =>
        Akka.Actor.Props.Create(() => new JobActor(start, plan, settings, verifier, monitor, time));

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer(Tick.Progress, Tick.Progress, _settings.ProgressInterval);
        if (_settings.Checkpoints)
        {
            Timers.StartPeriodicTimer(Tick.Checkpoint, Tick.Checkpoint, _settings.CheckpointInterval);
        }

        if (_ledger.AllDone)
        {
            Finish(JobState.Done, error: null);
            return;
        }

        if (!_reporter.EstimateIsExact && _spec.Algorithm == Algorithm.Trial && CostModel.EstimateSeconds(_spec.Range, Algorithm.Sieve) <= _settings.ExactEstimateLimit.TotalSeconds)
        {
            // The sieve gives trial division's exact total of checks at a small fraction of the cost: exact progress.
            var range = _spec.Range;
            Task.Run(() => new ExactTotal(SieveKernel.Instance.Count(range.From, range.Til).CheckCount)).PipeTo(Self);
        }

        AnnounceWaiting();
    }

    protected override void PostStop()
    {
        _verification.Cancel();
        _verification.Dispose();
    }

    private void HandOut(JobControl.OfferWork offer)
    {
        _askers.Add(offer.Worker);
        IReadOnlyList<HandOut<IActorRef>> handOuts = offer.Backup
            ? _speculation.TakeCopy(offer.Worker) is { } copy ? [copy] : []
            : _speculation.Take(offer.Worker, offer.Slots);
        if (handOuts.Count == 0)
        {
            // The worker's own results waiting for a second opinion while it has nothing else to do: no other worker
            // is there to give one, or none soon enough. This node gives it.
            if (!offer.Backup && _ledger.TakeForVerification(offer.Worker) is { Count: > 0 } unconfirmed)
            {
                Verify(unconfirmed);
            }

            // What the answer says of waiting batches stands for the coordinator's view of this job, whatever this
            // job announced before: an announcement crossing a refusal must not leave it thinking nothing waits.
            _announcedWaiting = _ledger.HasWaiting;
            Context.Parent.Tell(new JobControl.NoWorkLeft(_id, offer.Worker, offer.Slots, offer.Backup, _announcedWaiting.Value));
            return;
        }

        _reporter.Running();
        if (handOuts is [{ Races: { } original } copied])
        {
            ClusterMetrics.BatchCopied(_spec.Algorithm);
            var why = _speculation.IsOverdue(original) ? "is late with" : "waits behind another batch with";
            _log.Info("Job {0}: batch {1} {2} {3}; a copy goes to {4}", _id, copied.Index, why, original.Worker.Path, offer.Worker.Path);
        }
        else
        {
            ClusterMetrics.BatchesHandedOut(_spec.Algorithm, handOuts.Count);
        }

        var batches = handOuts.Select(h => new BatchWork(h.Index, _plan[h.Index].Range)).ToList();
        offer.Worker.Tell(new WorkAssignment(_id, Self, _spec.Algorithm, batches, _tokens.HandedTo(offer.Worker)));
        AnnounceWaiting();
    }

    private void Completed(BatchesCompleted completed)
    {
        if (!IsFromNamedWorker(completed.Worker, completed.Token, "results"))
        {
            return;
        }

        var worker = completed.Worker;
        Dictionary<IActorRef, List<long>>? drops = null;
        List<long>? toVerify = null;
        foreach (var result in completed.Results)
        {
            var check = _checks.For(result, anotherWorker: () => _askers.Any(other => !other.Equals(worker) && !_ledger.IsExcluded(other)));
            var reported = _ledger.Report(result.Index, worker, result.Tally, check);
            if (reported.Outcome == ReportOutcome.Ignored)
            {
                _log.Debug("Job {0}: batch {1} from {2} ignored: counted already, reported twice, or from an excluded worker", _id, result.Index, worker);
                continue;
            }

            if (reported.Outcome == ReportOutcome.NotHeld)
            {
                if (_reportedUnheld.Count < MaxLoggedUnheld && _reportedUnheld.Add(worker))
                {
                    _log.Debug("Job {0}: {1} reported batch {2}, which it does not hold (never handed it, or it went back to the queue): ignored, as is any other such result of it", _id, worker, result.Index);
                }

                continue;
            }

            switch (reported.Outcome)
            {
                case ReportOutcome.Counted:
                    _reporter.Computed(worker, result.Index, result.Tally);
                    Count(result.Index, worker, reported.Tally, reported.Others, ref drops);
                    break;
                case ReportOutcome.Verify:
                    _reporter.Computed(worker, result.Index, result.Tally);
                    (toVerify ??= []).Add(result.Index);
                    break;
                case ReportOutcome.Wrong:
                    Mismatch(worker, result.Index, result.Tally, reported.Tally);
                    break;
            }
        }

        if (toVerify is not null)
        {
            Verify(toVerify);
        }

        EndOrDrop(drops);
        Serve(completed);
    }

    /// <summary>Computes the true tallies of batches on the verifier's thread; they come back as <see cref="Verified"/>.</summary>
    private void Verify(IReadOnlyList<long> indices)
    {
        var ranges = indices.Select(i => _plan[i].Range).ToList();
        _verifier.CountAsync(ranges, _spec.Algorithm, _verification.Token).PipeTo(Self, success: truths => new Verified(indices, truths), failure: e => new VerificationFailed(e));
    }

    private void Settle(Verified verified)
    {
        Dictionary<IActorRef, List<long>>? drops = null;
        ClusterMetrics.BatchesVerified(_spec.Algorithm, verified.Indices.Count);
        for (var i = 0; i < verified.Indices.Count; i++)
        {
            var index = verified.Indices[i];
            var truth = verified.Truths[i];
            var settled = _ledger.Settle(index, truth);
            if (settled.Right is { } right)
            {
                Count(index, right.Worker, truth, settled.Others, ref drops);
            }

            foreach (var wrong in settled.Wrong)
            {
                Mismatch(wrong.Worker, index, wrong.Tally, truth);
            }
        }

        EndOrDrop(drops);
    }

    private void Count(long index, IActorRef countedFrom, Tally tally, IReadOnlyList<IActorRef> others, ref Dictionary<IActorRef, List<long>>? drops)
    {
        _reporter.Counted(countedFrom, tally);
        ClusterMetrics.BatchCompleted(_spec.Algorithm);
        foreach (var other in others)
        {
            drops ??= [];
            drops.TryAdd(other, []);
            drops[other].Add(index);
        }
    }

    /// <summary>Finishes the job once every batch counts; until then, tells the workers racing copies that lost to drop them.</summary>
    private void EndOrDrop(Dictionary<IActorRef, List<long>>? drops)
    {
        if (_ledger.AllDone)
        {
            Finish(JobState.Done, error: null);
            return;
        }

        foreach (var (worker, indices) in drops ?? [])
        {
            worker.Tell(new DropBatches(_id, indices));
        }

        AnnounceWaiting();
    }

    /// <summary>
    /// A wrong tally: it does not count, and its worker is excluded from the job (its other batches wait again, its
    /// further results are ignored, the tallies it had counted unchecked are taken back) and told to drop the job's
    /// batches; the coordinator hears of its node.
    /// </summary>
    private void Mismatch(IActorRef worker, long index, Tally claimed, Tally truth)
    {
        // The coordinator hears of it before the checkpoint without the worker's tallies.
        Context.Parent.Tell(new JobControl.Mismatch(_id, worker, index, claimed, truth));
        ClusterMetrics.Mismatch(_spec.Algorithm);
        var excluded = Exclude(worker);
        _log.Warning(
            "Job {0}: node {1} reported a wrong tally: {2}. The result is discarded and the worker excluded from the job; {3} of its batches go to others, and {4} counted from it unchecked are counted again",
            _id,
            NodeAddress.Of(worker, Context.System),
            $"worker {worker.Path.ToStringWithoutAddress()} claimed {claimed} for batch {index} ({_plan[index].Range}), whose true tally is {truth}",
            excluded.WaitAgain,
            excluded.Reopened);
    }

    /// <summary>
    /// A worker the coordinator says is no more trusted: caught with a wrong tally in another job, or on the node of a
    /// worker caught in this job or another.
    /// </summary>
    private void ExcludeForItsNode(IActorRef worker)
    {
        var excluded = Exclude(worker);
        if (excluded != BatchLedger<IActorRef>.Exclusion.None)
        {
            _log.Warning(
                "Job {0}: worker {1} is excluded for a wrong tally of its node, in this job or another; {2} of its batches go to others, and {3} counted from it unchecked are counted again",
                _id,
                worker.Path,
                excluded.WaitAgain,
                excluded.Reopened);
        }
    }

    /// <summary>
    /// A worker excluded only because another worker of its node was caught is taken back: it gets batches again. One
    /// this job caught itself stays excluded, even should the coordinator, not yet told, say otherwise.
    /// </summary>
    private void Readmit(JobControl.Readmit readmit)
    {
        if (_ledger.Readmit(readmit.Worker))
        {
            _log.Info("Job {0}: worker {1}, excluded for a wrong tally of another worker of its node, is taken back: {2}", _id, readmit.Worker.Path, readmit.Why);
        }
    }

    /// <summary>
    /// How many workers may take the job's batches. None while the cluster's workers were all caught with wrong
    /// tallies is said once: the job keeps what it counted and waits for another worker, as before any joined.
    /// </summary>
    private void AvailableWorkers(JobControl.AvailableWorkers available)
    {
        _reporter.AvailableWorkers(available.Count);
        var onlyLiarsLeft = available is { Count: 0, Caught: > 0 };
        if (onlyLiarsLeft && !_onlyLiarsLeft)
        {
            _log.Warning("Job {0}: every worker of the cluster ({1}) is excluded from it for wrong tallies of its own; the job waits for another worker", _id, available.Caught);
        }

        _onlyLiarsLeft = onlyLiarsLeft;
    }

    /// <summary>
    /// Excludes the worker from the job: its batches wait again, what it counted unchecked is taken back, and it is told
    /// to drop the job's batches.
    /// </summary>
    private BatchLedger<IActorRef>.Exclusion Exclude(IActorRef worker)
    {
        var excluded = _ledger.Exclude(worker);
        ClusterMetrics.BatchesReturned(_spec.Algorithm, excluded.WaitAgain, BatchReturn.Excluded);
        _reporter.Uncounted(excluded.Uncounted);
        worker.Tell(new CancelWork(_id));
        if (excluded.Reopened > 0)
        {
            _reporter.Reopened();
        }

        AnnounceWaiting();
        return excluded;
    }

    /// <summary>
    /// A request for more work that came with results, from a worker the coordinator has sent here before (so it has
    /// registered it and watches it): while this is the only running job with batches waiting, the coordinator would
    /// send it back here, so it is served here; otherwise it goes to the coordinator, which gives the jobs turns.
    /// </summary>
    private void Serve(BatchesCompleted completed)
    {
        if (completed.Slots > 0 && _alone && _askers.Contains(completed.Worker) && _ledger.HasWaiting && !_reporter.State.IsTerminal())
        {
            HandOut(new JobControl.OfferWork(completed.Worker, completed.Slots));
        }
        else
        {
            PassOnRequest(completed);
        }
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
        if (!IsFromNamedWorker(failed.Worker, failed.Token, "a failed batch"))
        {
            return;
        }

        var failures = _ledger.Fail(failed.Index, failed.Worker);
        if (failures == 0)
        {
            // A worker cannot fail a batch it does not hold: no member fails a job with others' batches.
            _log.Debug("Job {0}: batch {1} reported failed by {2}, which does not hold it: ignored", _id, failed.Index, failed.Worker);
            return;
        }

        ClusterMetrics.BatchFailed(_spec.Algorithm);
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
        if (!IsFromNamedWorker(returned.Worker, returned.Token, "batches handed back"))
        {
            return;
        }

        foreach (var index in returned.Indices)
        {
            _ledger.Return(index, returned.Worker);
        }

        if (returned.Indices.Count > 0)
        {
            ClusterMetrics.BatchesReturned(_spec.Algorithm, returned.Indices.Count, BatchReturn.Left);
            _log.Info("Job {0}: worker {1} is leaving; batches it handed back: {2}", _id, returned.Worker.Path, returned.Indices.Count);
        }

        Sender.Tell(new BatchesReturnAcknowledged(_id));
        AnnounceWaiting();
    }

    private void Requeue(IActorRef worker, string why)
    {
        var count = _ledger.ReturnAllHeldBy(worker);
        if (count > 0)
        {
            ClusterMetrics.BatchesReturned(_spec.Algorithm, count, BatchReturn.Lost);
            _log.Info("Job {0}: worker {1} {2}; its {3} batches go back to the queue", _id, worker.Path, why, count);
            AnnounceWaiting();
        }
    }

    private void Finish(JobState state, string? error)
    {
        // A cancelled or failed job hands back what is out; a done one has nothing out.
        foreach (var holder in _ledger.Holders.ToList())
        {
            holder.Tell(new CancelWork(_id));
            _ledger.ReturnAllHeldBy(holder);
        }

        var view = _reporter.Finish(state, error);
        _log.Info("Job {0} {1}: {2} {3} in {4:F1} ms", _id, state.Name(), _spec.Range, view.SoFar, view.Elapsed.TotalMilliseconds);
        Context.Parent.Tell(new JobControl.Finished(view, _reporter.Timeline(snapshot: true)));
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
        Receive<BatchesCompleted>(completed =>
        {
            if (IsFromNamedWorker(completed.Worker, completed.Token, "results"))
            {
                PassOnRequest(completed);
            }
        });
        Receive<JobControl.GetHeld>(_ => Sender.Tell(JobControl.Held.None));
        ReceiveAny(_ => { });
    }

    /// <summary>
    /// Whether a message naming <paramref name="worker"/> is the worker's own: it echoes the token of the worker's
    /// assignments, and comes from the worker's node. The sender is what the sending node says it is, so that check
    /// only catches the careless; the token, which no other member knows, is the proof. A message that fails either is
    /// refused whole and harms nobody (the named worker's batches, claims and standing stay as they were); its sender's
    /// node is logged once per reason.
    /// </summary>
    private bool IsFromNamedWorker(IActorRef worker, AssignmentToken token, string what)
    {
        var from = Sender.Path.Address;
        var reason = !_tokens.IsOf(worker, token) ? (token == AssignmentToken.None ? "no assignment token" : "a token that is not the named worker's")
            : !from.Equals(worker.Path.Address) ? "a sender on another node than the named worker's"
            : null;
        if (reason is null)
        {
            return true;
        }

        if (_loggedForgers.Count < MaxLoggedForgers && _loggedForgers.Add((from, reason)))
        {
            _log.Warning("Job {0}: refused {1} naming worker {2} with {3}, sent from {4}: no member reports for another (further such messages from that node are not logged)", _id, what, worker.Path, reason, from);
        }

        return false;
    }

    /// <summary>Tells the coordinator whether batches wait, when that changed: it sends workers' requests by it.</summary>
    private void AnnounceWaiting()
    {
        var waiting = _ledger.HasWaiting;
        if (waiting != _announcedWaiting)
        {
            _announcedWaiting = waiting;
            Context.Parent.Tell(new JobControl.HasWork(_id, waiting));
        }
    }

    private sealed record ExactTotal(UInt128 Checks) : INoSerializationVerificationNeeded;

    /// <summary>The true tallies of batches under verification, in the order asked.</summary>
    private sealed record Verified(IReadOnlyList<long> Indices, IReadOnlyList<Tally> Truths) : INoSerializationVerificationNeeded;

    private sealed record VerificationFailed(Exception Cause) : INoSerializationVerificationNeeded;

    /// <summary>The job's timers: its view and activity, and its checkpoint, each at its own interval.</summary>
    private sealed class Tick : INoSerializationVerificationNeeded
    {
        public static readonly Tick Progress = new();
        public static readonly Tick Checkpoint = new();

        private Tick()
        {
        }
    }
}
