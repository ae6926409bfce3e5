using System.Text.Json.Serialization;

namespace PrimeCluster.Contracts;

/// <summary>The cluster as the HTTP API shows it (<c>GET /cluster</c>).</summary>
public sealed record ClusterResource(string Self, string? Leader, IReadOnlyList<MemberResource> Members, ClusterTotals Totals);

/// <summary>
/// One node: its address, roles and membership status, its worker actors and how many of them hold batches, how many
/// wrong tallies it has reported (over all jobs), how many of its workers a running job has excluded for one, the
/// checks per second its results carried over the last second sampled, and whether the coordinator runs on it (the
/// oldest seed).
/// </summary>
public sealed record MemberResource(
    string Address,
    IReadOnlyList<string> Roles,
    string Status,
    bool Reachable,
    int Workers,
    int Busy,
    int Mismatches = 0,
    int Excluded = 0,
    double ChecksPerSecond = 0,
    bool Coordinator = false);

/// <summary>
/// Each node's checks per second over the second before <c>at</c>, by member address, and what each node did a second
/// by algorithm in that algorithm's terms: checks for <c>trial</c>, numbers counted for <c>sieve</c> and <c>formula</c>,
/// which derive their checks. Nodes and algorithms that counted nothing are left out.
/// </summary>
public sealed record ThroughputResource(DateTimeOffset At, IReadOnlyDictionary<string, double> Nodes, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Algorithms);

/// <summary>Every member, and the workers that can take batches (and those busy) on the members up and reachable.</summary>
public sealed record ClusterTotals(int Members, int Workers, int Busy);

/// <summary><c>GET /healthz</c>: with <c>error</c> only when there is one to give.</summary>
public sealed record HealthResource(string Status, string Member, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null);

/// <summary>Every error the API answers with: what is wrong and, for bad input, which field.</summary>
public sealed record ErrorResource(string Error, string? Field = null);
