using Akka.Actor;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// What a wrong tally costs its node. Another node's workers share its build and hardware: none of them is trusted by
/// any running job any more, until the job takes back those never caught themselves (<see cref="JobExclusions{TWorker}"/>).
/// On the coordinator's own node, whose verifier is what the others are checked by, only the worker is. After
/// <c>mismatches-before-down</c> wrong tallies from one node, over all jobs, the node is downed; never the coordinator's
/// own.
/// </summary>
/// <param name="self">The coordinator's node.</param>
/// <param name="beforeDown">Wrong tallies from one node before it is downed.</param>
internal sealed class MismatchPolicy(Address self, int beforeDown)
{
    private readonly Dictionary<Address, int> _byNode = [];

    /// <summary>Wrong tallies reported by each node, over all jobs.</summary>
    public IReadOnlyDictionary<Address, int> ByNode => _byNode;

    /// <summary>The workers no running job trusts any more, <paramref name="worker"/> of <paramref name="node"/> being caught.</summary>
    /// <param name="registered">The cluster's workers.</param>
    /// <param name="nodeOf">The node a worker runs on.</param>
    public IReadOnlyList<TWorker> Suspects<TWorker>(TWorker worker, Address node, IEnumerable<TWorker> registered, Func<TWorker, Address> nodeOf)
        where TWorker : notnull =>
        node == self ? [worker] : [.. registered.Where(w => nodeOf(w) == node).Append(worker).Distinct()];

    /// <summary>Counts a wrong tally against the node: what the coordinator does about it, and how many it has now.</summary>
    public (Verdict Verdict, int Count) Count(Address node)
    {
        var count = _byNode[node] = _byNode.GetValueOrDefault(node) + 1;
        var verdict = count < beforeDown ? Verdict.Warn : node == self ? Verdict.OwnNode : Verdict.Down;
        return (verdict, count);
    }

    public enum Verdict
    {
        /// <summary>Below the limit: the node is warned of in the log.</summary>
        Warn,

        /// <summary>At the limit: the node is downed.</summary>
        Down,

        /// <summary>At the limit, but the coordinator's own node: its workers are excluded job by job, and it stays.</summary>
        OwnNode,
    }
}
