using Akka.Actor;
using Akka.Event;
using PrimeCluster.Actors.Diagnostics;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// The coordinator's side of work pulling: workers register by asking for work, and each request goes to the running
/// job whose turn it is. <see cref="WorkerPool{TWorker}"/> decides; this tells the actors, and keeps each running job
/// told how many workers may take its batches and whether it alone has batches waiting.
/// </summary>
/// <param name="context">The coordinator's, which watches the workers.</param>
internal sealed class WorkDispatch(WorkerPool<IActorRef> pool, JobTable jobs, IActorContext context, ILoggingAdapter log)
{
    /// <summary>The job last told it is the only one with batches waiting.</summary>
    private JobId? _alone;

    /// <summary>
    /// A worker asking for work is registered, and watched from then on; the cores its host has, when it says, are
    /// noted. True when it was not registered before.
    /// </summary>
    public bool Register(IActorRef worker, int cores)
    {
        if (!pool.Register(worker, cores))
        {
            return false;
        }

        context.Watch(worker);
        ClusterMetrics.WorkersRegistered(1);
        log.Info("Worker {0} registered ({1} in all)", worker.Path, pool.Workers.Count);
        TellAvailableWorkers();
        return true;
    }

    /// <summary>
    /// A worker that is gone: the running jobs put back what it held, and take back the suspects it leaves without a
    /// reason to be excluded. False when it was not registered.
    /// </summary>
    public bool Lost(IActorRef worker)
    {
        if (!pool.Remove(worker))
        {
            return false;
        }

        ClusterMetrics.WorkersRegistered(-1);
        log.Info("Worker {0} is gone ({1} left)", worker.Path, pool.Workers.Count);
        TellRunning(_ => new JobControl.WorkerLost(worker));
        Readmit();
        return true;
    }

    /// <summary>
    /// Passes a worker's request to the job whose turn it is, or tells the worker there is nothing now;
    /// <paramref name="backup"/>: a job with nothing waiting may be offered it for a backup copy.
    /// </summary>
    public void Dispatch(IActorRef worker, int slots, bool backup = true) => Pass(pool.Dispatch(worker, slots, backup));

    /// <summary>What a job said of its waiting batches; workers idle for want of any are served when it has some.</summary>
    public void Waiting(JobId job, bool waiting)
    {
        if (pool.SetWaiting(job, waiting) && waiting)
        {
            foreach (var offer in pool.WakeIdleWorkers())
            {
                Pass(offer);
            }
        }

        TellAlone();
    }

    /// <summary>A job had nothing for a worker it was offered: the request goes on to the next job.</summary>
    public void Refused(JobControl.NoWorkLeft none)
    {
        pool.SetWaiting(none.JobId, none.Waiting);

        // After a backup offer only a job that has since got batches waiting is worth asking.
        Dispatch(none.Worker, none.Slots, backup: !none.Backup);
        TellAlone();
    }

    /// <summary>A job takes turns from now on; <paramref name="resumed"/>, its core-seconds before are not known.</summary>
    public void Started(JobId job, bool resumed = false)
    {
        pool.Start(job, resumed);
        TellAlone();
    }

    /// <summary>A job is over: its core-seconds while it ran, or null when not known.</summary>
    public double? Stopped(JobId job)
    {
        var coreSeconds = pool.Stop(job);
        TellAlone();
        return coreSeconds;
    }

    /// <summary>
    /// Keeps a worker's requests from a running job, for the wrong tally of <paramref name="caught"/> (itself or another
    /// worker of its node); false when it already was excluded, or the job is not running.
    /// </summary>
    public bool Exclude(JobId job, IActorRef worker, IActorRef caught) => pool.Exclude(job, worker, caught);

    /// <summary>
    /// After workers were excluded or lost: the running jobs take back the suspects they have no reason left to exclude
    /// (<see cref="JobExclusions{TWorker}"/>), whose requests, if they are idle, go to them at once; and each job is told
    /// how many workers may take its batches.
    /// </summary>
    public void Readmit()
    {
        var readmitted = pool.Readmit();
        foreach (var (job, readmission) in readmitted)
        {
            var why = readmission.Why == ReadmittedFor.CaughtGone
                ? "the workers of its node caught with wrong tallies are gone"
                : "no other worker could take the job's batches";
            jobs[job].Actor?.Tell(new JobControl.Readmit(readmission.Worker, why));
        }

        TellAvailableWorkers();
        if (readmitted.Count > 0)
        {
            foreach (var offer in pool.WakeIdleWorkers())
            {
                Pass(offer);
            }
        }
    }

    /// <summary>
    /// Tells each running job how many workers may take its batches (registered, and not excluded from it), and how
    /// many it excluded for a wrong tally of their own.
    /// </summary>
    public void TellAvailableWorkers() => TellRunning(job => new JobControl.AvailableWorkers(pool.AvailableTo(job), pool.CaughtIn(job)));

    private void TellRunning(Func<JobId, object> message)
    {
        foreach (var job in pool.Running)
        {
            jobs[job].Actor?.Tell(message(job));
        }
    }

    private void Pass(WorkerPool<IActorRef>.Offer offer)
    {
        if (offer.Job is { } job)
        {
            jobs[job].Actor?.Tell(new JobControl.OfferWork(offer.Worker, offer.Slots, offer.Backup));
        }
        else
        {
            offer.Worker.Tell(NoWorkNow.Instance);
        }
    }

    /// <summary>
    /// Tells the job that has become the only one with batches waiting so, and the one that no longer is: the first
    /// serves the requests that come with its results itself.
    /// </summary>
    private void TellAlone()
    {
        var alone = pool.Alone;
        if (alone == _alone)
        {
            return;
        }

        if (_alone is { } before && jobs.TryGetValue(before, out var was))
        {
            was.Actor?.Tell(new JobControl.Alone(false));
        }

        if (alone is { } now)
        {
            jobs[now].Actor?.Tell(new JobControl.Alone(true));
        }

        _alone = alone;
    }
}
