using PrimeCluster.Core;
using PrimeCluster.Core.Execution;

namespace PrimeCluster.Actors.Messages;

/// <summary>Everything known about a job at one moment: what was asked, how far it got, and its result once done.</summary>
/// <param name="Workers">The cluster's workers that may take the job's batches (registered, not excluded from it); for a
/// finished job, as it ended.</param>
public sealed record JobView(
    JobId Id,
    JobSpec Spec,
    JobState State,
    long BatchesDone,
    long BatchCount,
    Tally SoFar,
    UInt128 EstimatedChecks,
    bool EstimateIsExact,
    int Workers,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    TimeSpan Elapsed,
    string? Error) : IClusterMessage
{
    /// <summary>The exact tally, once the job is done.</summary>
    public Tally? Result => State == JobState.Done ? SoFar : null;

    /// <summary>The checks the job performs in all: exact once it is done, or when <see cref="EstimateIsExact"/>.</summary>
    public UInt128 ChecksTotal => Result?.CheckCount ?? EstimatedChecks;

    public bool ChecksTotalIsExact => Result is not null || EstimateIsExact;

    /// <summary>How far the job has come, 0 to 1: by checks, or by batches while no total is known.</summary>
    public double Fraction => State == JobState.Done ? 1.0
        : ChecksTotal > UInt128.Zero ? Math.Min(1.0, (double)SoFar.CheckCount / (double)ChecksTotal)
        : BatchCount > 0 ? (double)BatchesDone / BatchCount : 0;

    public double ChecksPerSecond => Elapsed > TimeSpan.Zero ? (double)SoFar.CheckCount / Elapsed.TotalSeconds : 0;
}
