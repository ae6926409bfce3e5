using Akka.Actor;
using Akka.DistributedData;
using Akka.Event;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Diagnostics;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Planning;
using static PrimeCluster.Actors.Messages.ClusterProtocol;
using static PrimeCluster.Actors.Messages.JobProtocol;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// The cluster singleton that accepts jobs and runs one <see cref="JobActor"/> per job, kept in its <see cref="JobTable"/>
/// with the newest finished. Workers ask it for work; its <see cref="WorkerPool{TWorker}"/> decides which running job
/// each request goes to, in turn, so concurrent jobs share the workers, and the coordinator tells the actors.
/// Every job's checkpoints are replicated to the other seeds, and kept on each seed's disk: a coordinator starting after
/// its predecessor's node was lost, or after every seed stopped, first has the journal read them back and resumes the
/// jobs that were running. With checkpoints off (a cluster in one process,
/// where no other seed could take over) it keeps its jobs to itself.
/// </summary>
public sealed class CoordinatorActor : ReceiveActor, IWithUnboundedStash
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly PrimeClusterSettings _settings;
    private readonly JobTable _jobs;
    private readonly WorkerPool<IActorRef> _pool;
    private readonly JobJournal? _journal;
    private readonly TallyVerifier _verifier = new();
    private readonly TimeProvider _time;

    /// <summary>The newest jobs a dashboard gets at once.</summary>
    private const int NewestJobs = 200;

    /// <summary>Pushes the cluster's live picture to those who watch it.</summary>
    private readonly IActorRef _monitor;

    /// <summary>Wrong tallies reported by each node, over all jobs.</summary>
    private readonly Dictionary<Address, int> _mismatches = [];

    /// <summary>The job last told it is the only one with batches waiting.</summary>
    private JobId? _alone;

    public CoordinatorActor(PrimeClusterSettings settings, TimeProvider time)
    {
        _settings = settings;
        _time = time;
        _jobs = new JobTable(settings.History);
        var system = Context.System;
        _pool = new WorkerPool<IActorRef>(time, settings.BackupCopies, worker => NodeAddress.Of(worker, system).Host ?? string.Empty);
        _monitor = Context.ActorOf(ClusterMonitor.Props(), "monitor");
        if (settings.Checkpoints)
        {
            _journal = new JobJournal(Context.System);
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
            ClusterMetrics.JobMoved(entry.View.State, to: null);
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
        Receive<SubmitJob>(Submit);
        Receive<EstimateJob>(estimate =>
        {
            if (PlanFor(estimate.Spec, out var plan) is { } rejected)
            {
                Sender.Tell(rejected);
                return;
            }

            Sender.Tell(new JobEstimate(plan.Count, _pool.Cores, TrialPace(estimate.Spec.Range), _settings.CostLimit));
        });
        Receive<RequestWork>(request =>
        {
            Register(request.Worker, request.Cores);
            if (request.Slots > 0)
            {
                Dispatch(request.Worker, request.Slots);
            }
        });
        Receive<JobControl.NoWorkLeft>(none =>
        {
            _pool.SetWaiting(none.JobId, none.Waiting);

            // After a backup offer only a job that has since got batches waiting is worth asking.
            Dispatch(none.Worker, none.Slots, backup: !none.Backup);
            TellAlone();
        });
        Receive<JobControl.HasWork>(has =>
        {
            if (_pool.SetWaiting(has.JobId, has.Waiting) && has.Waiting)
            {
                WakeIdleWorkers();
            }

            TellAlone();
        });
        Receive<JobControl.Progress>(progress =>
        {
            if (_jobs.TryGetValue(progress.View.Id, out var entry) && entry.Actor is not null)
            {
                entry.View = progress.View;
                _monitor.Tell(entry.View);
                foreach (var subscriber in entry.Subscribers)
                {
                    subscriber.Tell(entry.View);
                }
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
        Receive<GetJob>(get => Sender.Tell(_jobs.TryGetValue(get.Id, out var entry) ? entry.View : new JobNotFound(get.Id)));
        Receive<AwaitJob>(wait => ReplyWhenFinished(wait.Id, Sender));
        Receive<SubscribeToJob>(Subscribe);
        Receive<SubscribeToCluster>(subscribe => _monitor.Tell(new ClusterMonitor.Subscribe(subscribe.Subscriber, _jobs.Newest(NewestJobs))));
        Receive<CancelJob>(cancel =>
        {
            if (_jobs.TryGetValue(cancel.Id, out var entry) && entry.Actor is not null)
            {
                entry.Actor.Tell(JobControl.Cancel.Instance);
            }

            ReplyWhenFinished(cancel.Id, Sender);
        });
        Receive<GetJobs>(ListJobs);
        Receive<GetWorkers>(_ => ReportWorkers(Sender));
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

    /// <summary>Takes up the jobs of a lost coordinator: running ones go on from their checkpoints, finished ones are history.</summary>
    private void Resume(IEnumerable<JobCheckpoint> checkpoints)
    {
        foreach (var checkpoint in checkpoints.OrderBy(c => c.View.SubmittedAt))
        {
            var view = checkpoint.View;
            if (view.State.IsFinished())
            {
                _jobs.Add(new JobEntry(null, view));
                continue;
            }

            BatchPlan plan;
            try
            {
                plan = checkpoint.Plan();
            }
            catch (InvalidOperationException e)
            {
                _jobs.Add(new JobEntry(null, view));
                _log.Error("Job {0} cannot be resumed: {1}", view.Id, e.Message);
                Finished(new JobControl.Finished(view with { State = JobState.Failed, FinishedAt = DateTimeOffset.UtcNow, Error = $"the job could not be resumed: {e.Message}" }));
                continue;
            }

            // The workers register again as they ask this coordinator for work: until then it knows none.
            view = view with { Workers = _pool.Workers.Count };
            var actor = Context.ActorOf(JobActor.Props(checkpoint with { View = view }, plan, _settings, _verifier, _monitor, _time), $"job-{view.Id}");
            Context.Watch(actor);

            // Its core-seconds before the move are not known: it tells nothing of the cluster's pace.
            _pool.Start(view.Id, resumed: true);
            _jobs.Add(new JobEntry(actor, view));
            _log.Info("Job {0} resumed from its checkpoint: {1} of {2} batches done, {3} so far", view.Id, view.BatchesDone, view.BatchCount, view.SoFar);
        }

        TellAlone();
        ForgetOldJobs();
    }

    private void Submit(SubmitJob submit)
    {
        var id = JobId.New();
        if (PlanFor(submit.Spec, out var plan) is { } rejected)
        {
            Sender.Tell(rejected);
            return;
        }

        if (submit.Spec.Algorithm == Algorithm.Trial && !submit.AcceptCost && _settings.CostLimit > TimeSpan.Zero)
        {
            // An estimate, not the sieve's exact count: the actor answers at once, and an hour is not a fine line.
            var cost = TrialCost.Of(submit.Spec.Range, TrialPace(submit.Spec.Range), exactWithin: TimeSpan.Zero);
            if (cost.Seconds > _settings.CostLimit.TotalSeconds)
            {
                Sender.Tell(new JobRejected($"{cost.Describe()} The cluster's cost limit is {Format.Duration(_settings.CostLimit.TotalSeconds)}.", JobRejection.OverCostLimit));
                return;
            }
        }

        var start = JobCheckpoint.Start(id, submit.Spec, plan, DateTimeOffset.UtcNow, _pool.Workers.Count);
        var actor = Context.ActorOf(JobActor.Props(start, plan, _settings, _verifier, _monitor, _time), $"job-{id}");
        Context.Watch(actor);
        var view = start.View;

        _pool.Start(id);
        _jobs.Add(new JobEntry(actor, view));
        TellAlone();
        _log.Info("Job {0} accepted: {1} {2}, {3} batches for {4} workers", id, Names.Of(submit.Spec.Algorithm), submit.Spec.Range, plan.Count, plan.Options.Workers);
        _monitor.Tell(view);

        // Accepted once the seeds hold it (or the write timed out and gossip will take it there).
        Save(start, new Accepting(view, Sender));
    }

    /// <summary>The job's plan for the cluster's workers now, or why the range cannot be cut as asked.</summary>
    private JobRejected? PlanFor(JobSpec spec, out BatchPlan plan)
    {
        try
        {
            plan = spec.Plan(Math.Max(1, _pool.Workers.Count), new PlanOptions
            {
                BatchesPerWorker = _settings.BatchesPerWorker,
                MaxBatchDuration = _settings.MaxBatchDuration,
            });
            return null;
        }
        catch (ArgumentException e)
        {
            plan = null!;
            return new JobRejected(e.Message, JobRejection.InvalidPlan);
        }
    }

    /// <summary>
    /// The cluster's pace for trial division on <paramref name="range"/>: its cores now, at what a core did in its
    /// recent trial jobs (<see cref="ClusterPace"/>).
    /// </summary>
    private double TrialPace(NumberRange range)
    {
        var runs = _jobs.Entries
            .Where(e => e.CoreSeconds > 0 && e.View.State == JobState.Done && e.View.Spec.Algorithm == Algorithm.Trial)
            .OrderByDescending(e => e.View.FinishedAt)
            .Select(e => new TrialRun(e.View.Spec.Range, (double)e.View.SoFar.CheckCount, e.CoreSeconds!.Value));
        return ClusterPace.ChecksPerSecond(range, _pool.Cores, runs);
    }

    /// <summary>A worker asking for work is registered; the cores its host has, when it says, are noted.</summary>
    private void Register(IActorRef worker, int cores)
    {
        if (!_pool.Register(worker, cores))
        {
            return;
        }

        Context.Watch(worker);
        ClusterMetrics.WorkersRegistered(1);
        _log.Info("Worker {0} registered ({1} in all)", worker.Path, _pool.Workers.Count);
        TellAvailableWorkers();
        TellRoster();
    }

    private void Dispatch(IActorRef worker, int slots, bool backup = true) => Pass(_pool.Dispatch(worker, slots, backup));

    private void WakeIdleWorkers()
    {
        foreach (var offer in _pool.WakeIdleWorkers())
        {
            Pass(offer);
        }
    }

    /// <summary>
    /// Tells the job that has become the only one with batches waiting so, and the one that no longer is: the first
    /// serves the requests that come with its results itself.
    /// </summary>
    private void TellAlone()
    {
        var alone = _pool.Alone;
        if (alone == _alone)
        {
            return;
        }

        if (_alone is { } before && _jobs.TryGetValue(before, out var was))
        {
            was.Actor?.Tell(new JobControl.Alone(false));
        }

        if (alone is { } now)
        {
            _jobs[now].Actor?.Tell(new JobControl.Alone(true));
        }

        _alone = alone;
    }

    /// <summary>Passes a worker's request to the job the pool chose, or tells the worker there is nothing now.</summary>
    private void Pass(WorkerPool<IActorRef>.Offer offer)
    {
        if (offer.Job is { } job)
        {
            _jobs[job].Actor?.Tell(new JobControl.OfferWork(offer.Worker, offer.Slots, offer.Backup));
        }
        else
        {
            offer.Worker.Tell(NoWorkNow.Instance);
        }
    }

    private void Finished(JobControl.Finished finished)
    {
        var id = finished.View.Id;
        if (!_jobs.TryGetValue(id, out var entry) || entry.View.State.IsFinished())
        {
            return;
        }

        if (entry.Actor is not null)
        {
            // Behind any offer already sent to it, which it answers with nothing left.
            Context.Unwatch(entry.Actor);
            entry.Actor.Tell(PoisonPill.Instance);
        }

        entry.CoreSeconds = _pool.Stop(id);
        entry.Actor = null;
        TellAlone();
        entry.View = finished.View;
        entry.Timeline = finished.Timeline;
        _monitor.Tell(finished.View);
        TellRoster();
        // A finished job is never resumed, so its plan is never cut again.
        Save(new JobCheckpoint(finished.View, _settings.BatchesPerWorker, _settings.MaxBatchDuration, PlanFingerprint: 0, [], PlanWorkers: 0));
        foreach (var awaiter in entry.Awaiters.Concat(entry.Subscribers))
        {
            awaiter.Tell(finished.View);
        }

        entry.Awaiters.Clear();
        entry.Subscribers.Clear();
        _jobs.Ended(id);
        ForgetOldJobs();
    }

    /// <summary>
    /// A node whose worker reported a wrong tally (the job has logged it and excluded the worker, whose requests go to
    /// other jobs from now on): after too many, over all jobs, it is downed. Never this node, whose verifier is what the others are checked by.
    /// </summary>
    private void Mismatch(JobControl.Mismatch mismatch)
    {
        var self = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress;
        var node = NodeAddress.Of(mismatch.Worker, Context.System);

        // Another node's workers share its build and hardware: none of them is trusted by any running job any more,
        // and what they counted unchecked there is counted again. On this node, the one that checks, only the worker.
        var suspects = node == self
            ? [mismatch.Worker]
            : _pool.Workers.Where(w => NodeAddress.Of(w, Context.System) == node).Append(mismatch.Worker).Distinct().ToList();
        foreach (var id in _pool.Running)
        {
            foreach (var worker in suspects)
            {
                if (_pool.Exclude(id, worker) && !(id == mismatch.JobId && worker.Equals(mismatch.Worker)))
                {
                    _jobs[id].Actor?.Tell(new JobControl.Exclude(worker));
                }
            }
        }

        TellAvailableWorkers();

        var count = _mismatches[node] = _mismatches.GetValueOrDefault(node) + 1;
        TellRoster();
        if (count < _settings.MismatchesBeforeDown)
        {
            _log.Warning("Node {0} has reported {1} wrong tallies; at {2} it is downed", node, count, _settings.MismatchesBeforeDown);
        }
        else if (node == self)
        {
            _log.Error("Node {0}, the coordinator's own, has reported {1} wrong tallies; its workers are excluded job by job, but it is not downed", node, count);
        }
        else
        {
            _log.Warning("Node {0} has reported {1} wrong tallies: downing it", node, count);
            Akka.Cluster.Cluster.Get(Context.System).Down(node);
        }
    }

    /// <summary>Tells each running job how many workers may take its batches: registered, and not excluded from it.</summary>
    private void TellAvailableWorkers()
    {
        foreach (var id in _pool.Running)
        {
            _jobs[id].Actor?.Tell(new JobControl.AvailableWorkers(_pool.AvailableTo(id)));
        }
    }

    private void TellRoster() => _monitor.Tell(new ClusterMonitor.Roster(
        _pool.Workers.ToList(),
        new Dictionary<Address, int>(_mismatches),
        _pool.Excluded));

    /// <summary>
    /// The job's view as last reported goes to the subscriber at once; a running job's, again whenever it moves. The
    /// view the job last reported is current: a job reports whenever it moves, so nothing need be asked of it (nor
    /// checkpointed again) for a subscriber, however often one subscribes.
    /// </summary>
    private void Subscribe(SubscribeToJob subscribe)
    {
        if (!_jobs.TryGetValue(subscribe.Id, out var entry))
        {
            subscribe.Subscriber.Tell(new JobNotFound(subscribe.Id));
            return;
        }

        if (entry.Actor is not null && entry.Subscribers.Add(subscribe.Subscriber))
        {
            Context.Watch(subscribe.Subscriber);
        }

        // A finished job's timeline goes first: its view ends the subscription.
        if (subscribe.Batches && entry.Actor is null)
        {
            subscribe.Subscriber.Tell(entry.Timeline ?? new BatchTimeline(entry.View.Id, [], Snapshot: true));
        }

        subscribe.Subscriber.Tell(entry.View);
        if (subscribe.Batches && entry.Actor is not null)
        {
            entry.Actor.Tell(new JobControl.WatchBatches(subscribe.Subscriber));
        }
    }

    private void ReplyWhenFinished(JobId id, IActorRef replyTo)
    {
        if (!_jobs.TryGetValue(id, out var entry))
        {
            replyTo.Tell(new JobNotFound(id));
        }
        else if (entry.View.State.IsFinished())
        {
            replyTo.Tell(entry.View);
        }
        else
        {
            entry.Awaiters.Add(replyTo);
        }
    }

    private void Terminated(Terminated terminated)
    {
        if (_pool.Remove(terminated.ActorRef))
        {
            ClusterMetrics.WorkersRegistered(-1);
            _log.Info("Worker {0} is gone ({1} left)", terminated.ActorRef.Path, _pool.Workers.Count);
            TellRoster();
            foreach (var id in _pool.Running)
            {
                _jobs[id].Actor?.Tell(new JobControl.WorkerLost(terminated.ActorRef));
            }

            TellAvailableWorkers();
            return;
        }

        foreach (var id in _pool.Running)
        {
            _jobs[id].Subscribers.Remove(terminated.ActorRef);
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

    private void ReportWorkers(IActorRef replyTo)
    {
        var system = Context.System;
        var workers = _pool.Workers.ToList();
        var mismatches = _mismatches.Select(p => new NodeMismatches(p.Key, p.Value)).ToList();
        var jobs = _pool.Running.Select(id => _jobs[id].Actor).OfType<IActorRef>().ToList();
        var timeout = TimeSpan.FromSeconds(2);
        Task.WhenAll(jobs.Select(job => job.Ask<JobControl.Held>(JobControl.GetHeld.Instance, timeout).ContinueWith(
                t => t.IsCompletedSuccessfully ? t.Result : JobControl.Held.None,
                TaskScheduler.Default)))
            .ContinueWith(
                held =>
                {
                    var batches = held.Result.SelectMany(h => h.ByWorker).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.Value));
                    var excluded = held.Result.SelectMany(h => h.Excluded).ToHashSet();
                    return new WorkerList(
                        workers
                            .Select(w => new WorkerView(NodeAddress.Of(w, system), w.Path.ToStringWithoutAddress(), batches.GetValueOrDefault(w), excluded.Contains(w)))
                            .ToList(),
                        mismatches);
                },
                TaskScheduler.Default)
            .PipeTo(replyTo);
    }

    /// <summary>Keeps the newest finished jobs up to the history's bound, however long a running job keeps going.</summary>
    private void ForgetOldJobs()
    {
        foreach (var forgotten in _jobs.ForgetOldJobs())
        {
            _journal?.Forget(forgotten, Self);
        }
    }

    private void ListJobs(GetJobs get)
    {
        var limit = Math.Clamp(get.Limit, 1, GetJobs.MaxLimit);
        if (get.Before is not { } before)
        {
            Sender.Tell(_jobs.Newest(limit));
        }
        else if (_jobs.NextPage(before, limit) is { } page)
        {
            Sender.Tell(page);
        }
        else
        {
            Sender.Tell(new JobNotFound(before));
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
