namespace PrimeCluster.Contracts;

/// <summary>
/// One hand-out of a job's batch, for its timeline: the batch, the worker and member it went to, when, and how it ended
/// (<see cref="BatchOutcomes"/>). A batch handed to two workers (a late one's copy) has two.
/// </summary>
public sealed record BatchResource(long Index, ulong From, ulong Til, string Worker, string Node, DateTimeOffset HandedOutAt, DateTimeOffset? FinishedAt, string Outcome);

/// <summary>How a hand-out ended, as the API names it.</summary>
public static class BatchOutcomes
{
    public const string Running = "running";
    public const string Counted = "counted";
    public const string LateCopy = "late_copy";
    public const string LostRace = "lost_race";
    public const string HandedBack = "handed_back";
    public const string Failed = "failed";
    public const string Wrong = "wrong";
}

/// <summary>
/// <c>POST /jobs/estimate</c>: what a job would cost, as the cluster's cost guard sees it, without submitting it. The
/// checks are exact when <c>checks_exact</c>; the seconds are at the cluster's pace now.
/// </summary>
public sealed record EstimateResource(UInt128 Checks, bool ChecksExact, double Seconds, bool OverLimit, long Batches, string Message);
