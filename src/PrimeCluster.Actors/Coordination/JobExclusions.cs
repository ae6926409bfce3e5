namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// The workers one running job excluded for wrong tallies, and why (<see cref="MismatchPolicy"/> says whom a wrong tally
/// costs). A worker caught with a wrong tally of its own stays excluded while the job runs. A suspect, excluded only
/// because another worker of its node was caught, was never shown wrong itself: the job takes it back once every worker
/// of its node it was suspected for is gone from the cluster, or once no other registered worker could take the job's
/// batches, rather than wait with no workers beside idle ones never caught.
/// </summary>
internal sealed class JobExclusions<TWorker>
    where TWorker : notnull
{
    private readonly HashSet<TWorker> _caught = [];

    /// <summary>The suspects, each with the caught workers of its node it is suspected for.</summary>
    private readonly Dictionary<TWorker, HashSet<TWorker>> _suspects = [];

    /// <summary>Every worker excluded: caught or suspect.</summary>
    public IEnumerable<TWorker> All => _caught.Concat(_suspects.Keys);

    public bool Contains(TWorker worker) => _caught.Contains(worker) || _suspects.ContainsKey(worker);

    public bool IsCaught(TWorker worker) => _caught.Contains(worker);

    /// <summary>
    /// Excludes <paramref name="worker"/> for the wrong tally of <paramref name="caught"/>: itself, or another worker of
    /// its node. A suspect caught itself is caught from then on. True when the worker was not excluded before.
    /// </summary>
    public bool Exclude(TWorker worker, TWorker caught)
    {
        if (worker.Equals(caught))
        {
            var wasSuspect = _suspects.Remove(worker);
            return _caught.Add(worker) && !wasSuspect;
        }

        if (_caught.Contains(worker))
        {
            return false;
        }

        if (_suspects.TryGetValue(worker, out var suspectedFor))
        {
            suspectedFor.Add(caught);
            return false;
        }

        _suspects[worker] = [caught];
        return true;
    }

    /// <summary>A worker gone from the cluster: as a suspect, there is nothing left to take back.</summary>
    public void Forget(TWorker worker) => _suspects.Remove(worker);

    /// <summary>
    /// The suspects the job takes back now, no longer excluded: those whose caught workers are all gone from the
    /// cluster; then, when none of the <paramref name="registered"/> workers would be left to the job, every registered
    /// suspect. Caught workers are never taken back.
    /// </summary>
    /// <param name="registered">The cluster's workers.</param>
    /// <param name="isRegistered">Whether a worker is one of them.</param>
    public IReadOnlyList<Readmission> Readmit(IReadOnlyCollection<TWorker> registered, Func<TWorker, bool> isRegistered)
    {
        var readmitted = new List<Readmission>();
        foreach (var (suspect, suspectedFor) in _suspects.Where(s => isRegistered(s.Key) && !s.Value.Any(isRegistered)).ToList())
        {
            _suspects.Remove(suspect);
            readmitted.Add(new Readmission(suspect, ReadmittedFor.CaughtGone));
        }

        if (registered.All(Contains))
        {
            foreach (var suspect in _suspects.Keys.Where(isRegistered).ToList())
            {
                _suspects.Remove(suspect);
                readmitted.Add(new Readmission(suspect, ReadmittedFor.NoOtherWorker));
            }
        }

        return readmitted;
    }

    /// <summary>A suspect the job takes back, and why.</summary>
    public sealed record Readmission(TWorker Worker, ReadmittedFor Why);
}

/// <summary>Why a job takes back a worker excluded as a suspect.</summary>
internal enum ReadmittedFor
{
    /// <summary>Every worker of its node caught, that it was suspected for, is gone from the cluster.</summary>
    CaughtGone,

    /// <summary>No other registered worker could take the job's batches.</summary>
    NoOtherWorker,
}
