using PrimeCluster.Core.Planning;

namespace PrimeCluster.Core.Execution;

/// <summary>What a user asks for: a range, how to count it and how to cut it.</summary>
public sealed record JobSpec(
    NumberRange Range,
    Algorithm Algorithm = Algorithm.Trial,
    SplitStrategy Split = SplitStrategy.Balanced,
    long? Batches = null)
{
    /// <summary>The batches for <paramref name="workers"/> workers; <paramref name="defaults"/> supplies the other planning settings.</summary>
    public BatchPlan Plan(int workers, PlanOptions? defaults = null) => BatchPlanner.Plan(Range, (defaults ?? new PlanOptions()) with
    {
        Algorithm = Algorithm,
        Split = Split,
        Workers = workers,
        Batches = Batches,
    });
}

/// <summary>How far a job has come.</summary>
public sealed record JobProgress(long BatchesDone, long BatchCount, Tally SoFar);

/// <summary>A finished job: the exact tally and what it took.</summary>
public sealed record JobOutcome(JobSpec Spec, Tally Tally, TimeSpan Elapsed, int Workers, long BatchCount)
{
    /// <summary>Checks per second of wall-clock time; 0 when too quick to time.</summary>
    public double ChecksPerSecond => Elapsed > TimeSpan.Zero ? (double)Tally.CheckCount / Elapsed.TotalSeconds : 0;
}

/// <summary>Runs a whole job somewhere: on this machine's cores, or on a cluster.</summary>
public interface IJobRunner
{
    /// <summary>How many workers share the batches.</summary>
    int Workers { get; }

    Task<JobOutcome> RunAsync(JobSpec spec, IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default);
}
