using System.Text.Json.Serialization;

namespace PrimeCluster.Contracts;

/// <summary>A job as the HTTP API shows it (<c>GET /jobs/{id}</c>). Counts are exact JSON integers.</summary>
public sealed record JobResource(
    string Id,
    string Url,
    string State,
    ulong From,
    ulong Til,
    string Algorithm,
    string Split,
    long Batches,
    ProgressResource Progress,
    ulong? PrimeCount,
    UInt128? CheckCount,
    int Workers,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double ElapsedMs,
    double ChecksPerSecond,
    string? Error)
{
    [JsonIgnore]
    public bool IsFinished => State is JobStates.Done or JobStates.Cancelled or JobStates.Failed;
}

/// <summary>How far a job has come; <c>checks_total</c> is exact when <c>checks_total_exact</c>, else an estimate.</summary>
public sealed record ProgressResource(
    long BatchesDone,
    long BatchesTotal,
    UInt128 ChecksDone,
    UInt128 ChecksTotal,
    bool ChecksTotalExact,
    ulong PrimesSoFar,
    double Fraction);

/// <summary>The states a job goes through, as the API names them.</summary>
public static class JobStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Done = "done";
    public const string Cancelled = "cancelled";
    public const string Failed = "failed";
}
