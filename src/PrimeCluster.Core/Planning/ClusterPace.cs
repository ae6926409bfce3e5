namespace PrimeCluster.Core.Planning;

/// <summary>One worker actor as a cluster's pace counts it: the host it runs on, and the cores that host reported (0: not known).</summary>
public readonly record struct WorkerHost(string Host, int Cores);

/// <summary>A finished trial job: its range, the checks it performed, and the core-seconds of the cores that ran it.</summary>
public readonly record struct TrialRun(NumberRange Range, double Checks, double CoreSeconds);

/// <summary>
/// How fast a cluster counts by trial division: its cores, times what one core did in its recent trial jobs, else
/// <see cref="CostModel.OneCoreTrialPace"/>. A job's pace is taken per core-second of the cores that ran it, so that a
/// cluster that has grown or shrunk since is estimated at its size now; and relative to the nominal pace of its range,
/// so that a job of small numbers (twice as fast, in single-precision lanes) promises nothing to one of large numbers.
/// </summary>
public static class ClusterPace
{
    /// <summary>A host that reports more cores is believed up to this many.</summary>
    public const int MaxCoresPerHost = 1024;

    /// <summary>A job this big or bigger tells the kernel's pace; in a smaller one its fixed costs (start, round trips) weigh.</summary>
    public const double MinMeasuredChecks = 1e9;

    /// <summary>The median of the newest runs, this many: one stalled or lucky job does not move an estimate.</summary>
    private const int Recent = 5;

    /// <summary>
    /// The cores the workers compute on. Worker actors on one host share its cores however many nodes run there, so a
    /// host counts once: as many cores as it reported, or as it has workers when fewer or when it reported none.
    /// </summary>
    public static int Cores(IEnumerable<WorkerHost> workers) =>
        workers.GroupBy(w => w.Host, StringComparer.OrdinalIgnoreCase).Sum(host =>
        {
            var reported = host.Max(w => Math.Clamp(w.Cores, 0, MaxCoresPerHost));
            var count = host.Count();
            return reported > 0 ? Math.Min(reported, count) : count;
        });

    /// <summary>The checks per second <paramref name="cores"/> cores (one at least) should reach on <paramref name="range"/>.</summary>
    /// <param name="newestFirst">The cluster's finished trial jobs, newest first.</param>
    public static double ChecksPerSecond(NumberRange range, int cores, IEnumerable<TrialRun> newestFirst)
    {
        var relative = newestFirst
            .Where(run => run.Checks >= MinMeasuredChecks && run.CoreSeconds > 0)
            .Take(Recent)
            .Select(run => run.Checks / run.CoreSeconds / CostModel.OneCoreTrialPace(run.Range))
            .Order()
            .ToList();
        var measured = relative.Count == 0 ? 1 : (relative[(relative.Count - 1) / 2] + relative[relative.Count / 2]) / 2;
        return Math.Max(1, cores) * measured * CostModel.OneCoreTrialPace(range);
    }
}
