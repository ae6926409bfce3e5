using PrimeCluster.Actors.Messages;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// The cluster's workers and the running jobs they are shared between: which workers are registered and on how many
/// cores, which jobs have batches waiting, and where a worker's request goes next. Jobs take turns, so concurrent jobs
/// share the workers; a worker no job has anything for waits, idle, until one has. The coordinator tells the actors
/// what it decides.
/// </summary>
/// <param name="time">The clock jobs' core-seconds are measured by.</param>
/// <param name="backupCopies">Whether a worker no job has a waiting batch for is offered to a job for a backup copy.</param>
/// <param name="hostOf">The host a worker computes on: workers on one host share its cores.</param>
internal sealed class WorkerPool<TWorker>(TimeProvider time, bool backupCopies, Func<TWorker, string> hostOf)
    where TWorker : notnull
{
    /// <summary>Registered workers, with their host and the cores it reported (0: not said).</summary>
    private readonly Dictionary<TWorker, WorkerHost> _workers = [];

    /// <summary>Workers told "nothing now", with the room they asked for: served as soon as a job has batches.</summary>
    private readonly Dictionary<TWorker, int> _idle = [];

    /// <summary>The running jobs, in the order they take turns.</summary>
    private readonly List<RunningJob> _running = [];
    private readonly Dictionary<JobId, RunningJob> _byId = [];
    private int _turn;

    /// <summary>When running jobs were last given their share of the cores.</summary>
    private long _sharedAt = time.GetTimestamp();

    public IReadOnlyCollection<TWorker> Workers => _workers.Keys;

    /// <summary>The cores the registered workers compute on: a host counts once, however many of its workers registered.</summary>
    public int Cores { get; private set; }

    public IEnumerable<JobId> Running => _running.Select(job => job.Id);

    /// <summary>Workers excluded by any running job, for a wrong tally of their own or of their node.</summary>
    public IReadOnlySet<TWorker> Excluded => _running.SelectMany(job => job.Excluded.All).ToHashSet();

    /// <summary>
    /// Registers a worker that asks for work, or notes the cores its host has when it says them anew.
    /// True when the worker was not registered before.
    /// </summary>
    public bool Register(TWorker worker, int cores)
    {
        var known = _workers.TryGetValue(worker, out var noted);
        if (known && (cores == 0 || cores == noted.Cores))
        {
            return false;
        }

        ShareCores();
        _workers[worker] = new WorkerHost(known ? noted.Host : hostOf(worker), cores);
        CountCores();
        return !known;
    }

    /// <summary>Forgets a worker that is gone; false when it was not registered.</summary>
    public bool Remove(TWorker worker)
    {
        if (!_workers.ContainsKey(worker))
        {
            return false;
        }

        ShareCores();
        _workers.Remove(worker);
        CountCores();
        _idle.Remove(worker);
        foreach (var job in _running)
        {
            job.Excluded.Forget(worker);
        }

        return true;
    }

    /// <summary>
    /// A job takes turns with the running ones from now on, its batches waiting: every plan has one to hand out.
    /// <paramref name="resumed"/>: a job taken up from another coordinator, whose core-seconds before are not known.
    /// </summary>
    public void Start(JobId job, bool resumed = false)
    {
        ShareCores();
        var running = new RunningJob(job) { Waiting = true, CoreSeconds = resumed ? null : 0 };
        _running.Add(running);
        _byId[job] = running;
    }

    /// <summary>
    /// A job is over: it takes no more turns, and its exclusions end with it. Its core-seconds while it ran, the
    /// measure of its pace; null when not known or when it was not running.
    /// </summary>
    public double? Stop(JobId job)
    {
        ShareCores();
        if (!_byId.Remove(job, out var stopped))
        {
            return null;
        }

        _running.Remove(stopped);
        return stopped.CoreSeconds;
    }

    /// <summary>What the job last said: whether it has batches waiting for a worker. False when it is not running.</summary>
    public bool SetWaiting(JobId job, bool waiting)
    {
        if (!_byId.TryGetValue(job, out var running))
        {
            return false;
        }

        running.Waiting = waiting;
        return true;
    }

    /// <summary>
    /// The only running job with batches waiting, when exactly one has: every request goes to it (but a worker's it
    /// excluded), whoever's turn it is. Null when none or several have.
    /// </summary>
    public JobId? Alone
    {
        get
        {
            RunningJob? alone = null;
            foreach (var job in _running.Where(job => job.Waiting))
            {
                if (alone is not null)
                {
                    return null;
                }

                alone = job;
            }

            return alone?.Id;
        }
    }

    /// <summary>
    /// Where a worker's request goes: to the next running job with batches waiting; when none has any and
    /// <paramref name="backup"/> allows, to the next running job as a backup offer; or nowhere, and the worker is
    /// idle until a job has batches. A job that excluded the worker is skipped.
    /// </summary>
    public Offer Dispatch(TWorker worker, int slots, bool backup = true)
    {
        for (var pass = 0; pass < (backup && backupCopies ? 2 : 1); pass++)
        {
            for (var tried = 0; tried < _running.Count; tried++)
            {
                _turn = (_turn + 1) % _running.Count;
                var job = _running[_turn];
                if ((job.Waiting || pass == 1) && !job.Excluded.Contains(worker))
                {
                    _idle.Remove(worker);
                    return new Offer(worker, slots, job.Id, Backup: pass == 1);
                }
            }
        }

        _idle[worker] = slots;
        return new Offer(worker, slots, Job: null, Backup: false);
    }

    /// <summary>
    /// Dispatches the requests of the idle workers again, on their behalf: the batches reach them without another
    /// round trip, which counts at the start of every job.
    /// </summary>
    public IReadOnlyList<Offer> WakeIdleWorkers()
    {
        var waiting = _idle.ToList();
        _idle.Clear();
        return waiting.Select(idle => Dispatch(idle.Key, idle.Value)).ToList();
    }

    /// <summary>
    /// Keeps the worker's requests from a running job, for the wrong tally of <paramref name="caught"/>: itself, or
    /// another worker of its node. False when it already was excluded, or the job is not running.
    /// </summary>
    public bool Exclude(JobId job, TWorker worker, TWorker caught) => _byId.TryGetValue(job, out var running) && running.Excluded.Exclude(worker, caught);

    /// <summary>
    /// The suspects the running jobs take back now (<see cref="JobExclusions{TWorker}.Readmit"/>), by job: their
    /// requests go to those jobs again.
    /// </summary>
    public IReadOnlyList<(JobId Job, JobExclusions<TWorker>.Readmission Readmission)> Readmit() =>
        [.. _running.SelectMany(job => job.Excluded.Readmit(_workers.Keys, _workers.ContainsKey).Select(readmission => (job.Id, readmission)))];

    /// <summary>How many registered workers may take the job's batches: those it has not excluded.</summary>
    public int AvailableTo(JobId job) =>
        _byId.TryGetValue(job, out var running) ? _workers.Keys.Count(w => !running.Excluded.Contains(w)) : 0;

    /// <summary>How many registered workers the job excluded for a wrong tally of their own.</summary>
    public int CaughtIn(JobId job) =>
        _byId.TryGetValue(job, out var running) ? _workers.Keys.Count(running.Excluded.IsCaught) : 0;

    private void CountCores() => Cores = ClusterPace.Cores(_workers.Values);

    /// <summary>
    /// Gives each running job its share of the cluster's cores since the last change (they share the workers in
    /// turn): a job's core-seconds, the measure of its pace, whatever the cluster's size while it ran. Called before
    /// the cores or the running jobs change.
    /// </summary>
    private void ShareCores()
    {
        var now = time.GetTimestamp();
        var seconds = time.GetElapsedTime(_sharedAt, now).TotalSeconds;
        _sharedAt = now;
        foreach (var job in _running)
        {
            job.CoreSeconds += Cores * seconds / _running.Count;
        }
    }

    /// <summary>
    /// Where a worker's request goes: to <paramref name="Job"/>, as a backup offer or not; when null, nowhere now.
    /// </summary>
    public sealed record Offer(TWorker Worker, int Slots, JobId? Job, bool Backup);

    private sealed class RunningJob(JobId id)
    {
        public JobId Id { get; } = id;

        /// <summary>The job says it has batches waiting for a worker.</summary>
        public bool Waiting { get; set; }

        /// <summary>Workers the job excluded for a wrong tally: their requests go to other jobs.</summary>
        public JobExclusions<TWorker> Excluded { get; } = new();

        /// <summary>The cores the job has had, in core-seconds; null when not known from its start.</summary>
        public double? CoreSeconds { get; set; }
    }
}
