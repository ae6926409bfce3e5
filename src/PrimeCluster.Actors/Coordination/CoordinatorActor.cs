using Akka.Actor;
using Akka.DistributedData;
using Akka.Event;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Diagnostics;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Planning;
using static PrimeCluster.Actors.Messages.ClusterProtocol;
using static PrimeCluster.Actors.Messages.JobProtocol;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// The cluster singleton that accepts jobs and runs one <see cref="JobActor"/> per job, kept in its <see cref="JobTable"/>
/// with the newest finished. Its message loop drives one part per concern: <see cref="JobAdmission"/> (plans and the
/// cost guard), <see cref="WorkDispatch"/> (workers' requests, in turn between the running jobs), <see cref="JobSubscriptions"/>,
/// recovery from the journal (<see cref="JobRecovery"/>), <see cref="MismatchPolicy"/> (excluding and downing nodes that
/// report wrong tallies) and the listings. Every job's checkpoints are replicated to the other seeds and kept on each
/// seed's disk: a coordinator starting after its predecessor's node was lost, or after every seed stopped, first has the
/// journal read them back and resumes the jobs that were running. With checkpoints off (a cluster in one process, where
/// no other seed could take over) it keeps its jobs to itself.
/// </summary>
public sealed class CoordinatorActor : ReceiveActor, IWithUnboundedStash
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly PrimeClusterSettings _settings;
    private readonly TimeProvider _time;
    private readonly JobTable _jobs;
    private readonly WorkerPool<IActorRef> _pool;
    private readonly JobJournal? _journal;
    private readonly TallyVerifier _verifier = new();

    /// <summary>Pushes the cluster's live picture to those who watch it.</summary>
    private readonly IActorRef _monitor;
    private readonly JobAdmission _admission;
    private readonly WorkDispatch _dispatch;
    private readonly JobSubscriptions _subscriptions;
    private readonly MismatchPolicy _mismatches;

    /// <summary>Nodes whose workers of an earlier build were refused work, logged once each; bounded.</summary>
    private readonly HashSet<Address> _earlierBuilds = [];

    public CoordinatorActor(PrimeClusterSettings settings, TimeProvider time)
    {
        _settings = settings;
        _time = time;
        _jobs = new JobTable(settings.History);
        var system = Context.System;
        _pool = new WorkerPool<IActorRef>(time, settings.BackupCopies, worker => NodeAddress.Of(worker, system).Host ?? string.Empty);
        _monitor = Context.ActorOf(ClusterMonitor.Props(), "monitor");
        _admission = new JobAdmission(settings, _pool, _jobs);
        _dispatch = new WorkDispatch(_pool, _jobs, Context, _log);
        _subscriptions = new JobSubscriptions(_jobs, _monitor, Context, _log, _time);
        _mismatches = new MismatchPolicy(((ExtendedActorSystem)system).Provider.DefaultAddress, settings.MismatchesBeforeDown);
        if (settings.Checkpoints)
        {
            _journal = new JobJournal(system);
            Become(Recovering);
        }
        else
        {
            Become(Ready);
        }
    }

    public IStash Stash { get; set; } = null!;

    /// <param name="time">The clock jobs' core-seconds and batches' times out are measured by; the system's unless a test sets it.</param>
    public static Props Props(PrimeClusterSettings settings, TimeProvider? time = null)
    {
        var clock = time ?? TimeProvider.System;
        return Akka.Actor.Props.Create(() => new CoordinatorActor(settings, clock));
    }

    protected override void PreStart()
    {
        _log.Info("Coordinator running on this node{0}", _journal is null ? string.Empty : "; reading the job checkpoints the seeds hold");
        _journal?.Recover(Context);
    }

    /// <summary>After the job actors, which use the verifier, have stopped.</summary>
    protected override void PostStop()
    {
        _verifier.Dispose();
        ClusterMetrics.WorkersRegistered(-_pool.Workers.Count);
        foreach (var entry in _jobs.Entries)
        {
            ClusterMetrics.JobChanged(entry.View, to: null);
        }
    }

    /// <summary>A job actor that throws has lost count; it stops, and its job fails rather than restart from nothing.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    /// <summary>Waits for the checkpoints the seeds hold before taking any request.</summary>
    private void Recovering()
    {
        Receive<JobJournal.Recovered>(recovered =>
        {
            Resume(recovered.Checkpoints);
            Become(Ready);
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Ready()
    {
        // The client protocol, all of it here.
        Receive<IClientRequest>(Intake);

        // Workers ask for work; the job actors, its children, report.
        Receive<RequestWork>(request =>
        {
            if (!request.EchoesTokens)
            {
                EarlierBuildWorker(request.Worker);
                return;
            }

            if (_dispatch.Register(request.Worker, request.Cores))
            {
                TellRoster();
            }

            if (request.Slots > 0)
            {
                _dispatch.Dispatch(request.Worker, request.Slots);
            }
        });
        Receive<JobControl.NoWorkLeft>(_dispatch.Refused);
        Receive<JobControl.HasWork>(has => _dispatch.Waiting(has.JobId, has.Waiting));
        Receive<JobControl.Progress>(progress =>
        {
            if (_jobs.TryGetValue(progress.View.Id, out var entry) && entry.Actor is not null)
            {
                entry.View = progress.View;
                _subscriptions.Moved(entry);
            }
        });
        Receive<JobControl.Updated>(updated =>
        {
            if (_jobs.TryGetValue(updated.Checkpoint.View.Id, out var entry) && entry.Actor is not null)
            {
                entry.View = updated.Checkpoint.View;
                Save(updated.Checkpoint);
            }
        });
        Receive<JobControl.Finished>(Finished);
        Receive<JobControl.Mismatch>(Mismatch);
        Receive<Terminated>(Terminated);
        Receive<IUpdateResponse>(response =>
        {
            if (response is not UpdateSuccess)
            {
                // The checkpoint is kept here and reaches the other seeds by gossip.
                _log.Debug("Job checkpoint not yet on a majority of the seeds: {0}", response);
            }

            if (response.Request is Accepting accepting)
            {
                accepting.ReplyTo.Tell(new JobAccepted(accepting.View));
            }
        });
    }

    /// <summary>Every request of the client protocol comes in here.</summary>
    private void Intake(IClientRequest request)
    {
        switch (request)
        {
            case SubmitJob submit:
                Submit(submit);
                break;
            case EstimateJob estimate:
                Sender.Tell(_admission.Estimate(estimate.Spec));
                break;
            case GetJob get:
                Sender.Tell(_jobs.TryGetValue(get.Id, out var entry) ? entry.View : new JobNotFound(get.Id));
                break;
            case AwaitJob wait:
                _subscriptions.Await(wait.Id, Sender);
                break;
            case SubscribeToJob subscribe:
                _subscriptions.Subscribe(subscribe);
                break;
            case CancelJob cancel:
                if (_jobs.TryGetValue(cancel.Id, out var cancelled))
                {
                    cancelled.Actor?.Tell(JobControl.Cancel.Instance);
                }

                _subscriptions.Await(cancel.Id, Sender);
                break;
            case GetJobs get:
                Sender.Tell(_jobs.List(get));
                break;
            case GetWorkers:
                WorkerListing.Send(Sender, [.. _pool.Workers], _mismatches.ByNode, _pool.Running.Select(id => _jobs[id].Actor).OfType<IActorRef>(), _monitor, Context.System);
                break;
            case SubscribeToCluster subscribe:
                _monitor.Tell(new ClusterMonitor.Subscribe(subscribe.Subscriber, _jobs.Newest(SubscribeToCluster.NewestJobs)));
                break;
            default:
                Unhandled(request);
                break;
        }
    }

    /// <summary>
    /// A worker of an earlier build echoes no assignment tokens, so its results could not be told from a forger's
    /// naming it: it is given no work, nor listed, until it runs this build. In a rolling upgrade the workers go first,
    /// the seeds last, and a coordinator of an earlier build hands out no tokens and asks for none.
    /// </summary>
    private void EarlierBuildWorker(IActorRef worker)
    {
        var node = worker.Path.Address;
        if (_earlierBuilds.Count < 1000 && _earlierBuilds.Add(node))
        {
            _log.Warning("Workers of node {0} run an earlier build, which echoes no assignment tokens: they get no work until the node runs this build", node);
        }
    }

    private void Submit(SubmitJob submit)
    {
        if (_admission.Admit(submit, out var plan) is { } rejected)
        {
            Sender.Tell(rejected);
            return;
        }

        var start = JobCheckpoint.Start(JobId.New(), submit.Spec, plan, DateTimeOffset.UtcNow, _pool.Workers.Count);
        var entry = Start(start, plan);
        _log.Info("Job {0} accepted: {1} {2}, {3} batches for {4} workers", entry.View.Id, Names.Of(submit.Spec.Algorithm), submit.Spec.Range, plan.Count, plan.Options.Workers);
        _subscriptions.Moved(entry);

        // Accepted once the seeds hold it (or the write timed out and gossip will take it there).
        Save(start, new Accepting(entry.View, Sender));
    }

    /// <summary>Takes up the jobs of a lost coordinator: running ones go on from their checkpoints, finished ones are history.</summary>
    private void Resume(IEnumerable<JobCheckpoint> checkpoints)
    {
        foreach (var recovered in JobRecovery.Sort(checkpoints))
        {
            switch (recovered)
            {
                case JobRecovery.History history:
                    _jobs.Add(new JobEntry(null, history.View));
                    break;
                case JobRecovery.Unresumable failed:
                    _jobs.Add(new JobEntry(null, failed.View));
                    _log.Error("Job {0} cannot be resumed: {1}", failed.View.Id, failed.Error);
                    Finished(new JobControl.Finished(failed.View with { State = JobState.Failed, FinishedAt = DateTimeOffset.UtcNow, Error = $"the job could not be resumed: {failed.Error}" }));
                    break;
                case JobRecovery.Resumable resumable:
                    // The workers register again as they ask this coordinator for work: until then it knows none.
                    var checkpoint = resumable.Checkpoint with { View = resumable.Checkpoint.View with { Workers = _pool.Workers.Count } };
                    var view = Start(checkpoint, resumable.Plan, resumed: true).View;
                    _log.Info("Job {0} resumed from its checkpoint: {1} of {2} batches done, {3} so far", view.Id, view.BatchesDone, view.BatchCount, view.SoFar);
                    break;
            }
        }

        ForgetOldJobs();
    }

    /// <summary>
    /// Runs a job's actor from its checkpoint, and gives the job turns with the running ones. A resumed job's
    /// core-seconds before the move are not known: it tells nothing of the cluster's pace.
    /// </summary>
    private JobEntry Start(JobCheckpoint checkpoint, BatchPlan plan, bool resumed = false)
    {
        var actor = Context.ActorOf(JobActor.Props(checkpoint, plan, _settings, _verifier, _monitor, _time), $"job-{checkpoint.View.Id}");
        Context.Watch(actor);
        var entry = new JobEntry(actor, checkpoint.View);
        _jobs.Add(entry);
        _dispatch.Started(checkpoint.View.Id, resumed);
        return entry;
    }

    private void Finished(JobControl.Finished finished)
    {
        var id = finished.View.Id;
        if (!_jobs.TryGetValue(id, out var entry) || entry.View.State.IsTerminal())
        {
            return;
        }

        if (entry.Actor is not null)
        {
            // Behind any offer already sent to it, which it answers with nothing left.
            Context.Unwatch(entry.Actor);
            entry.Actor.Tell(PoisonPill.Instance);
            entry.Actor = null;
        }

        entry.CoreSeconds = _dispatch.Stopped(id);
        entry.View = finished.View;
        entry.Timeline = finished.Timeline;
        _subscriptions.Ended(entry);
        TellRoster();

        // A finished job is never resumed, so its plan is never cut again.
        Save(new JobCheckpoint(finished.View, _settings.BatchesPerWorker, _settings.MaxBatchDuration, PlanFingerprint: 0, [], PlanWorkers: 0));
        _jobs.Ended(id);
        ForgetOldJobs();
    }

    /// <summary>
    /// A worker reported a wrong tally (the job has logged it and excluded the worker, whose requests go to other jobs
    /// from now on): its node's workers are excluded from every running job, and after too many the node is downed. A
    /// job left with no other worker takes back those excluded only for their node's sake.
    /// </summary>
    private void Mismatch(JobControl.Mismatch mismatch)
    {
        var system = Context.System;
        var node = NodeAddress.Of(mismatch.Worker, system);
        var suspects = _mismatches.Suspects(mismatch.Worker, node, _pool.Workers, w => NodeAddress.Of(w, system));
        foreach (var id in _pool.Running)
        {
            foreach (var worker in suspects)
            {
                if (_dispatch.Exclude(id, worker, mismatch.Worker) && !(id == mismatch.JobId && worker.Equals(mismatch.Worker)))
                {
                    _jobs[id].Actor?.Tell(new JobControl.Exclude(worker));
                }
            }
        }

        _dispatch.Readmit();
        var (verdict, count) = _mismatches.Count(node);
        TellRoster();
        switch (verdict)
        {
            case MismatchPolicy.Verdict.Warn:
                _log.Warning("Node {0} has reported {1} wrong tallies; at {2} it is downed", node, count, _settings.MismatchesBeforeDown);
                break;
            case MismatchPolicy.Verdict.OwnNode:
                _log.Error("Node {0}, the coordinator's own, has reported {1} wrong tallies; its workers are excluded job by job, but it is not downed", node, count);
                break;
            case MismatchPolicy.Verdict.Down:
                _log.Warning("Node {0} has reported {1} wrong tallies: downing it", node, count);
                Akka.Cluster.Cluster.Get(system).Down(node);
                break;
        }
    }

    private void TellRoster() => _monitor.Tell(new ClusterMonitor.Roster(
        _pool.Workers.ToList(),
        new Dictionary<Address, int>(_mismatches.ByNode),
        _pool.Excluded));

    /// <summary>A worker, a subscriber or a job's actor stopped.</summary>
    private void Terminated(Terminated terminated)
    {
        if (_dispatch.Lost(terminated.ActorRef))
        {
            TellRoster();
            return;
        }

        if (_subscriptions.Forget(terminated.ActorRef, _pool.Running))
        {
            return;
        }

        var crashed = _jobs.Entries.FirstOrDefault(e => Equals(e.Actor, terminated.ActorRef));
        if (crashed is not null)
        {
            _log.Error("Job {0} stopped unexpectedly; it fails", crashed.View.Id);
            crashed.Actor = null;
            Finished(new JobControl.Finished(crashed.View with
            {
                State = JobState.Failed,
                FinishedAt = DateTimeOffset.UtcNow,
                Error = "the job's actor failed; see the seed node's log",
            }));
        }
    }

    /// <summary>Keeps the newest finished jobs up to the history's bound, however long a running job keeps going.</summary>
    private void ForgetOldJobs()
    {
        foreach (var forgotten in _jobs.ForgetOldJobs())
        {
            _journal?.Forget(forgotten, Self);
        }
    }

    /// <summary>Writes a checkpoint to the seeds; with none to write to, a submitter is answered at once.</summary>
    private void Save(JobCheckpoint checkpoint, Accepting? accepting = null)
    {
        if (_journal is not null)
        {
            _journal.Save(checkpoint, Self, accepting);
        }
        else
        {
            accepting?.ReplyTo.Tell(new JobAccepted(accepting.View));
        }
    }

    /// <summary>A submitter waiting for its job to be written to the seeds.</summary>
    private sealed record Accepting(JobView View, IActorRef ReplyTo);
}
