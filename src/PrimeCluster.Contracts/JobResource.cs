using System.Text.Json;
using System.Text.Json.Serialization;
using PrimeCluster.Core;

namespace PrimeCluster.Contracts;

/// <summary>A job as the HTTP API shows it (<c>GET /jobs/{id}</c>). Counts are exact JSON integers.</summary>
public sealed record JobResource(
    string Id,
    string Url,
    [property: JsonConverter(typeof(JobStateName))] JobState State,
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
    string? Error);

/// <summary>How far a job has come; <c>checks_total</c> is exact when <c>checks_total_exact</c>, else an estimate.</summary>
public sealed record ProgressResource(
    long BatchesDone,
    long BatchesTotal,
    UInt128 ChecksDone,
    UInt128 ChecksTotal,
    bool ChecksTotalExact,
    ulong PrimesSoFar,
    double Fraction);

/// <summary>A job's state by its lower-case name (<see cref="JobStates.Name"/>); a number, or a name it lacks, is refused.</summary>
public sealed class JobStateName() : JsonStringEnumConverter<JobState>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false);
