using Akka.Actor;
using Akka.Event;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Planning;
using static PrimeCluster.Actors.Messages.ClusterProtocol;
using static PrimeCluster.Actors.Messages.JobProtocol;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// The cluster singleton that accepts jobs, keeps the job table and runs one <see cref="JobActor"/> per job.
/// Workers ask it for work; it passes each request to the running jobs in turn, so concurrent jobs share the workers.
/// </summary>
public sealed class CoordinatorActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly PrimeClusterSettings _settings;
    private readonly Dictionary<JobId, JobEntry> _jobs = [];
    private readonly Queue<JobId> _history = new();
    private readonly List<JobId> _running = [];
    private readonly HashSet<IActorRef> _workers = [];
    /// <summary>Workers told "nothing now", with the room they asked for: served as soon as a job has batches.</summary>
    private readonly Dictionary<IActorRef, int> _idle = [];
    private int _turn;

    public CoordinatorActor(PrimeClusterSettings settings)
    {
        _settings = settings;

        Receive<SubmitJob>(Submit);
        Receive<RequestWork>(request =>
        {
            Register(request.Worker);
            if (request.Slots > 0)
            {
                Dispatch(request.Worker, request.Slots);
            }
        });
        Receive<JobControl.NoWorkLeft>(none =>
        {
            if (_jobs.TryGetValue(none.JobId, out var entry))
            {
                entry.Waiting = false;
            }

            Dispatch(none.Worker, none.Slots);
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
            if (_jobs.TryGetValue(updated.View.Id, out var entry) && entry.Actor is not null)
            {
                entry.View = updated.View;
            }
        });
        Receive<JobControl.Finished>(Finished);
        Receive<GetJob>(get => Sender.Tell(_jobs.TryGetValue(get.Id, out var entry) ? entry.View : new JobNotFound(get.Id)));
        Receive<AwaitJob>(wait => ReplyWhenFinished(wait.Id, Sender));
        Receive<CancelJob>(cancel =>
        {
            if (_jobs.TryGetValue(cancel.Id, out var entry) && entry.Actor is not null)
            {
                entry.Actor.Tell(JobControl.Cancel.Instance);
            }

            ReplyWhenFinished(cancel.Id, Sender);
        });
        Receive<GetJobs>(_ => Sender.Tell(new JobList(_jobs.Values.Select(e => e.View).OrderByDescending(v => v.SubmittedAt).ToList())));
        Receive<GetWorkers>(_ => ReportWorkers(Sender));
        Receive<Terminated>(Terminated);
    }

    public static Props Props(PrimeClusterSettings settings) => Akka.Actor.Props.Create(() => new CoordinatorActor(settings));

    /// <summary>A job actor that throws has lost count; it stops, and its job fails rather than restart from nothing.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    private void Submit(SubmitJob submit)
    {
        var id = JobId.New();
        var workers = Math.Max(1, _workers.Count);
        BatchPlan plan;
        try
        {
            plan = submit.Spec.Plan(workers, new PlanOptions
            {
                BatchesPerWorker = _settings.BatchesPerWorker,
                MaxBatchDuration = _settings.MaxBatchDuration,
            });
        }
        catch (ArgumentException e)
        {
            Sender.Tell(new JobRejected(e.Message));
            return;
        }

        var submittedAt = DateTimeOffset.UtcNow;
        var actor = Context.ActorOf(JobActor.Props(id, submit.Spec, plan, workers, submittedAt, _settings), $"job-{id}");
        Context.Watch(actor);
        var estimate = (UInt128)Math.Round(CostModel.EstimateChecks(submit.Spec.Range));
        var view = new JobView(id, submit.Spec, JobState.Queued, 0, plan.Count, Tally.Zero, estimate, false, workers, submittedAt, null, null, TimeSpan.Zero, null);

        // Every plan has a batch to hand out, so the job is ready for workers at once.
        _jobs[id] = new JobEntry(actor, view) { Waiting = true };
        _running.Add(id);
        _history.Enqueue(id);
        _log.Info("Job {0} accepted: {1} {2}, {3} batches for {4} workers", id, Names.Of(submit.Spec.Algorithm), submit.Spec.Range, plan.Count, workers);
        Sender.Tell(new JobAccepted(id));
        ForgetOldJobs();
    }

    private void Register(IActorRef worker)
    {
        if (_workers.Add(worker))
        {
            Context.Watch(worker);
            _log.Info("Worker {0} registered ({1} in all)", worker.Path, _workers.Count);
        }
    }

    /// <summary>Passes a worker's request to the next running job with waiting batches, or tells it there is none.</summary>
    private void Dispatch(IActorRef worker, int slots)
    {
        for (var tried = 0; tried < _running.Count; tried++)
        {
            _turn = (_turn + 1) % _running.Count;
            var entry = _jobs[_running[_turn]];
            if (entry.Waiting && entry.Actor is not null)
            {
                _idle.Remove(worker);
                entry.Actor.Tell(new JobControl.OfferWork(worker, slots));
                return;
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
        if (!_jobs.TryGetValue(id, out var entry))
        {
            return;
        }

        Context.Unwatch(entry.Actor);
        entry.Actor = null;
        entry.View = finished.View;
        _running.Remove(id);
        foreach (var awaiter in entry.Awaiters)
        {
            awaiter.Tell(finished.View);
        }

        entry.Awaiters.Clear();
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
        if (_workers.Remove(terminated.ActorRef))
        {
            _idle.Remove(terminated.ActorRef);
            _log.Info("Worker {0} is gone ({1} left)", terminated.ActorRef.Path, _workers.Count);
            foreach (var id in _running)
            {
                _jobs[id].Actor?.Tell(new JobControl.WorkerLost(terminated.ActorRef));
            }

            return;
        }

        var crashed = _jobs.Values.FirstOrDefault(e => Equals(e.Actor, terminated.ActorRef));
        if (crashed is not null)
        {
            _log.Error("Job {0} stopped unexpectedly; it fails", crashed.View.Id);
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
        var self = Akka.Cluster.Cluster.Get(Context.System).SelfAddress;
        var workers = _workers.ToList();
        var jobs = _running.Select(id => _jobs[id].Actor).OfType<IActorRef>().ToList();
        var timeout = TimeSpan.FromSeconds(2);
        Task.WhenAll(jobs.Select(job => job.Ask<JobControl.Held>(JobControl.GetHeld.Instance, timeout).ContinueWith(
                t => t.IsCompletedSuccessfully ? t.Result : new JobControl.Held(new Dictionary<IActorRef, int>()),
                TaskScheduler.Default)))
            .ContinueWith(
                held =>
                {
                    var batches = held.Result.SelectMany(h => h.ByWorker).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.Value));
                    return new WorkerList(workers
                        .Select(w => new WorkerView(w.Path.Address.HasGlobalScope ? w.Path.Address : self, w.Path.ToStringWithoutAddress(), batches.GetValueOrDefault(w)))
                        .ToList());
                },
                TaskScheduler.Default)
            .PipeTo(replyTo);
    }

    private void ForgetOldJobs()
    {
        while (_history.Count > _settings.History && _history.TryPeek(out var oldest) && _jobs[oldest].View.State.IsFinished())
        {
            _jobs.Remove(_history.Dequeue());
        }
    }

    private sealed class JobEntry(IActorRef? actor, JobView view)
    {
        public IActorRef? Actor { get; set; } = actor;

        public JobView View { get; set; } = view;

        /// <summary>The job says it has batches waiting for a worker.</summary>
        public bool Waiting { get; set; }

        public List<IActorRef> Awaiters { get; } = [];
    }
}
