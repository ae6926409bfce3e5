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
/// The cluster singleton that accepts jobs, keeps the job table and runs one <see cref="JobActor"/> per job.
/// Workers ask it for work; it passes each request to the running jobs in turn, so concurrent jobs share the workers.
/// Every job's checkpoints are replicated to the other seeds: a coordinator starting after its predecessor's node was
/// lost first reads them back and resumes the jobs that were running. With checkpoints off (a cluster in one process,
/// where no other seed could take over) it keeps its jobs to itself.
/// </summary>
public sealed class CoordinatorActor : ReceiveActor, IWithUnboundedStash
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly PrimeClusterSettings _settings;
    private readonly TimeProvider _time;
    private readonly Dictionary<JobId, JobEntry> _jobs = [];
    /// <summary>Finished jobs, oldest first: the first to be forgotten beyond the history's bound.</summary>
    private readonly Queue<JobId> _finished = new();
    private readonly List<JobId> _running = [];
    /// <summary>Registered workers, with the cores their host reported (0: not said).</summary>
    private readonly Dictionary<IActorRef, int> _workers = [];
    /// <summary>Workers told "nothing now", with the room they asked for: served as soon as a job has batches.</summary>
    private readonly Dictionary<IActorRef, int> _idle = [];
    private readonly JobJournal? _journal;
    private readonly TallyVerifier _verifier = new();

    /// <summary>The newest jobs a dashboard gets at once, and the finished jobs whose batch timelines are kept.</summary>
    private const int NewestJobs = 200;
    private const int KeptTimelines = 20;

    /// <summary>Pushes the cluster's live picture to those who watch it.</summary>
    private readonly IActorRef _monitor;

    /// <summary>Wrong tallies reported by each node, over all jobs.</summary>
    private readonly Dictionary<Address, int> _mismatches = [];
    private int _turn;

    /// <summary>The cores the registered workers compute on, and when running jobs were last given their share of them.</summary>
    private int _cores;
    private long _sharedAt;

    public CoordinatorActor(PrimeClusterSettings settings, TimeProvider time)
    {
        _settings = settings;
        _time = time;
        _sharedAt = time.GetTimestamp();
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

    /// <param name="time">The clock jobs' core-seconds are measured by; the system's unless a test sets it.</param>
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
        ClusterMetrics.WorkersRegistered(-_workers.Count);
        foreach (var entry in _jobs.Values)
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

            Sender.Tell(new JobEstimate(plan.Count, _cores, TrialPace(estimate.Spec.Range), _settings.CostLimit));
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
            if (_jobs.TryGetValue(none.JobId, out var entry))
            {
                entry.Waiting = none.Waiting;
            }

            // After a backup offer only a job that has since got batches waiting is worth asking.
            Dispatch(none.Worker, none.Slots, backup: !none.Backup);
        });
        Receive<JobControl.HasWork>(has =>
        {
            if (_jobs.TryGetValue(has.JobId, out var entry) && entry.Actor is not null)
            {
                entry.Waiting = has.Waiting;
                if (has.Waiting)
                {
                    WakeIdleWorkers();
                }
            }
        });
        Receive<JobControl.Updated>(updated =>
        {
            if (_jobs.TryGetValue(updated.Checkpoint.View.Id, out var entry) && entry.Actor is not null)
            {
                entry.View = updated.Checkpoint.View;
                Save(updated.Checkpoint);
                _monitor.Tell(entry.View);
                foreach (var subscriber in entry.Subscribers)
                {
                    subscriber.Tell(entry.View);
                }
            }
        });
        Receive<JobControl.Finished>(Finished);
        Receive<JobControl.Mismatch>(Mismatch);
        Receive<GetJob>(get => Sender.Tell(_jobs.TryGetValue(get.Id, out var entry) ? entry.View : new JobNotFound(get.Id)));
        Receive<AwaitJob>(wait => ReplyWhenFinished(wait.Id, Sender));
        Receive<SubscribeToJob>(Subscribe);
        Receive<SubscribeToCluster>(subscribe => _monitor.Tell(new ClusterMonitor.Subscribe(subscribe.Subscriber, Newest(NewestJobs))));
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
                _jobs[view.Id] = new JobEntry(null, view);
                _finished.Enqueue(view.Id);
                continue;
            }

            BatchPlan plan;
            try
            {
                plan = checkpoint.Plan();
            }
            catch (InvalidOperationException e)
            {
                _jobs[view.Id] = new JobEntry(null, view);
                _log.Error("Job {0} cannot be resumed: {1}", view.Id, e.Message);
                Finished(new JobControl.Finished(view with { State = JobState.Failed, FinishedAt = DateTimeOffset.UtcNow, Error = $"the job could not be resumed: {e.Message}" }));
                continue;
            }

            // The workers register again as they ask this coordinator for work: until then it knows none.
            view = view with { Workers = _workers.Count };
            var actor = Context.ActorOf(JobActor.Props(checkpoint with { View = view }, plan, _settings, _verifier, _monitor), $"job-{view.Id}");
            Context.Watch(actor);

            // Its core-seconds before the move are not known: it tells nothing of the cluster's pace.
            ShareCores();
            _jobs[view.Id] = new JobEntry(actor, view) { Waiting = true, CoreSeconds = null };
            _running.Add(view.Id);
            _log.Info("Job {0} resumed from its checkpoint: {1} of {2} batches done, {3} so far", view.Id, view.BatchesDone, view.BatchCount, view.SoFar);
        }

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

        var start = JobCheckpoint.Start(id, submit.Spec, plan, DateTimeOffset.UtcNow, _workers.Count);
        var actor = Context.ActorOf(JobActor.Props(start, plan, _settings, _verifier, _monitor), $"job-{id}");
        Context.Watch(actor);
        var view = start.View;

        ShareCores();

        // Every plan has a batch to hand out, so the job is ready for workers at once.
        _jobs[id] = new JobEntry(actor, view) { Waiting = true };
        _running.Add(id);
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
            plan = spec.Plan(Math.Max(1, _workers.Count), new PlanOptions
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
        var runs = _jobs.Values
            .Where(e => e.CoreSeconds > 0 && e.View.State == JobState.Done && e.View.Spec.Algorithm == Algorithm.Trial)
            .OrderByDescending(e => e.View.FinishedAt)
            .Select(e => new TrialRun(e.View.Spec.Range, (double)e.View.SoFar.CheckCount, e.CoreSeconds!.Value));
        return ClusterPace.ChecksPerSecond(range, _cores, runs);
    }

    /// <summary>A worker asking for work is registered; the cores its host has, when it says, are noted.</summary>
    private void Register(IActorRef worker, int cores)
    {
        var known = _workers.TryGetValue(worker, out var noted);
        if (known && (cores == 0 || cores == noted))
        {
            return;
        }

        ShareCores();
        _workers[worker] = cores;
        CountCores();
        if (!known)
        {
            Context.Watch(worker);
            ClusterMetrics.WorkersRegistered(1);
            _log.Info("Worker {0} registered ({1} in all)", worker.Path, _workers.Count);
            TellAvailableWorkers();
            TellRoster();
        }
    }

    private void CountCores() =>
        _cores = ClusterPace.Cores(_workers.Select(w => new WorkerHost(NodeAddress.Of(w.Key, Context.System).Host ?? string.Empty, w.Value)));

    /// <summary>
    /// Gives each running job its share of the cluster's cores since the last change (they share the workers in
    /// turn): a job's core-seconds, the measure of its pace, whatever the cluster's size while it ran. Called before
    /// the cores or the running jobs change.
    /// </summary>
    private void ShareCores()
    {
        var now = _time.GetTimestamp();
        var seconds = _time.GetElapsedTime(_sharedAt, now).TotalSeconds;
        _sharedAt = now;
        foreach (var id in _running)
        {
            _jobs[id].CoreSeconds += _cores * seconds / _running.Count;
        }
    }

    /// <summary>
    /// Passes a worker's request to the next running job with waiting batches; when none has any, to the next running
    /// job as a backup offer; or tells the worker there is nothing.
    /// </summary>
    private void Dispatch(IActorRef worker, int slots, bool backup = true)
    {
        for (var pass = 0; pass < (backup && _settings.BackupCopies ? 2 : 1); pass++)
        {
            for (var tried = 0; tried < _running.Count; tried++)
            {
                _turn = (_turn + 1) % _running.Count;
                var entry = _jobs[_running[_turn]];
                if ((entry.Waiting || pass == 1) && entry.Actor is not null && !entry.Excluded.Contains(worker))
                {
                    _idle.Remove(worker);
                    entry.Actor.Tell(new JobControl.OfferWork(worker, slots, Backup: pass == 1));
                    return;
                }
            }
        }

        _idle[worker] = slots;
        worker.Tell(NoWorkNow.Instance);
    }

    /// <summary>
    /// Serves the requests of idle workers at once, on their behalf: the batches reach them without another round
    /// trip, which counts at the start of every job.
    /// </summary>
    private void WakeIdleWorkers()
    {
        var waiting = _idle.ToList();
        _idle.Clear();
        foreach (var (worker, slots) in waiting)
        {
            Dispatch(worker, slots);
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

        ShareCores();
        entry.Actor = null;
        entry.View = finished.View;
        entry.Timeline = finished.Timeline;
        entry.Excluded.Clear();
        _monitor.Tell(finished.View);
        TellRoster();
        _running.Remove(id);
        // A finished job is never resumed, so its plan is never cut again.
        Save(new JobCheckpoint(finished.View, _settings.BatchesPerWorker, _settings.MaxBatchDuration, PlanFingerprint: 0, [], PlanWorkers: 0));
        foreach (var awaiter in entry.Awaiters.Concat(entry.Subscribers))
        {
            awaiter.Tell(finished.View);
        }

        entry.Awaiters.Clear();
        entry.Subscribers.Clear();
        _finished.Enqueue(id);
        ForgetOldJobs();
        if (_finished.Count > KeptTimelines)
        {
            _jobs[_finished.ElementAt(_finished.Count - 1 - KeptTimelines)].Timeline = null;
        }
    }

    /// <summary>
    /// A node whose worker reported a wrong tally (the job has logged it and excluded the worker, whose requests go to
    /// other jobs from now on): after too many, over all jobs, it is downed. Never this node, whose verifier is what the others are checked by.
    /// </summary>
    private void Mismatch(JobControl.Mismatch mismatch)
    {
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        var node = NodeAddress.Of(mismatch.Worker, Context.System);

        // Another node's workers share its build and hardware: none of them is trusted by any running job any more,
        // and what they counted unchecked there is counted again. On this node, the one that checks, only the worker.
        var suspects = node == cluster.SelfAddress
            ? [mismatch.Worker]
            : _workers.Keys.Where(w => NodeAddress.Of(w, Context.System) == node).Append(mismatch.Worker).Distinct().ToList();
        foreach (var entry in _running.Select(id => _jobs[id]))
        {
            foreach (var worker in suspects)
            {
                if (entry.Excluded.Add(worker) && !(entry.View.Id == mismatch.JobId && worker.Equals(mismatch.Worker)))
                {
                    entry.Actor?.Tell(new JobControl.Exclude(worker));
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
        else if (node == cluster.SelfAddress)
        {
            _log.Error("Node {0}, the coordinator's own, has reported {1} wrong tallies; its workers are excluded job by job, but it is not downed", node, count);
        }
        else
        {
            _log.Warning("Node {0} has reported {1} wrong tallies: downing it", node, count);
            cluster.Down(node);
        }
    }

    /// <summary>Tells each running job how many workers may take its batches: registered, and not excluded from it.</summary>
    private void TellAvailableWorkers()
    {
        foreach (var entry in _running.Select(id => _jobs[id]))
        {
            entry.Actor?.Tell(new JobControl.AvailableWorkers(_workers.Keys.Count(w => !entry.Excluded.Contains(w))));
        }
    }

    private void TellRoster() => _monitor.Tell(new ClusterMonitor.Roster(
        _workers.Keys.ToList(),
        new Dictionary<Address, int>(_mismatches),
        _running.SelectMany(id => _jobs[id].Excluded).ToHashSet()));

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
        if (_workers.ContainsKey(terminated.ActorRef))
        {
            ShareCores();
            _workers.Remove(terminated.ActorRef);
            CountCores();
            _idle.Remove(terminated.ActorRef);
            ClusterMetrics.WorkersRegistered(-1);
            _log.Info("Worker {0} is gone ({1} left)", terminated.ActorRef.Path, _workers.Count);
            TellRoster();
            foreach (var id in _running)
            {
                _jobs[id].Actor?.Tell(new JobControl.WorkerLost(terminated.ActorRef));
            }

            TellAvailableWorkers();
            return;
        }

        foreach (var id in _running)
        {
            _jobs[id].Subscribers.Remove(terminated.ActorRef);
        }

        var crashed = _jobs.Values.FirstOrDefault(e => Equals(e.Actor, terminated.ActorRef));
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
        var workers = _workers.Keys.ToList();
        var mismatches = _mismatches.Select(p => new NodeMismatches(p.Key, p.Value)).ToList();
        var jobs = _running.Select(id => _jobs[id].Actor).OfType<IActorRef>().ToList();
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
        while (_finished.Count > _settings.History)
        {
            var forgotten = _finished.Dequeue();
            _jobs.Remove(forgotten);
            _journal?.Forget(forgotten, Self);
        }
    }

    private List<JobView> NewestFirst() => _jobs.Values.Select(e => e.View)
        .OrderByDescending(v => v.SubmittedAt)
        .ThenBy(v => v.Id.Value, StringComparer.Ordinal)
        .ToList();

    private JobList Newest(int limit)
    {
        var newestFirst = NewestFirst();
        return new JobList([.. newestFirst.Take(limit)], More: newestFirst.Count > limit);
    }

    private void ListJobs(GetJobs get)
    {
        var newestFirst = NewestFirst();
        var start = 0;
        if (get.Before is { } before)
        {
            start = newestFirst.FindIndex(v => v.Id == before) + 1;
            if (start == 0)
            {
                Sender.Tell(new JobNotFound(before));
                return;
            }
        }

        var limit = Math.Clamp(get.Limit, 1, GetJobs.MaxLimit);
        var page = newestFirst.Skip(start).Take(limit).ToList();
        Sender.Tell(new JobList(page, More: start + page.Count < newestFirst.Count));
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

    private sealed class JobEntry(IActorRef? actor, JobView view)
    {
        public IActorRef? Actor { get; set; } = actor;

        /// <summary>The job's view; its state, as it changes, in the node's metrics.</summary>
        public JobView View
        {
            get;
            set
            {
                ClusterMetrics.JobMoved(field.State, value.State);
                field = value;
            }
        } = Appeared(view);

        /// <summary>The job says it has batches waiting for a worker.</summary>
        public bool Waiting { get; set; }

        public List<IActorRef> Awaiters { get; } = [];

        /// <summary>Told the job's view whenever it moves, and the finished one; each once, however often it asked.</summary>
        public HashSet<IActorRef> Subscribers { get; } = [];

        /// <summary>Workers the job excluded for a wrong tally: their requests go to other jobs.</summary>
        public HashSet<IActorRef> Excluded { get; } = [];

        /// <summary>A finished job's last batch hand-outs; kept for the newest few.</summary>
        public BatchTimeline? Timeline { get; set; }

        /// <summary>The cores the job has had, in core-seconds; null when not known from its start (a job resumed here).</summary>
        public double? CoreSeconds { get; set; } = 0;

        private static JobView Appeared(JobView view)
        {
            ClusterMetrics.JobMoved(from: null, view.State);
            return view;
        }
    }
}
