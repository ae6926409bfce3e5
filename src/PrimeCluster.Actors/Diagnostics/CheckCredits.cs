using Akka.Actor;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using static PrimeCluster.Actors.Messages.WorkProtocol;

namespace PrimeCluster.Actors.Diagnostics;

/// <summary>
/// A job's counted checks, by the worker whose result counted, until that worker is told (<see cref="ChecksCounted"/>)
/// and its node counts them in <c>primecluster_checks_total</c>. Counting there, and only what its job counted, makes
/// the sum over the nodes the sum of the jobs' check counts: a copy that lost its race, a result that came too late
/// or a wrong tally adds nothing.
/// </summary>
internal sealed class CheckCredits
{
    private readonly Dictionary<IActorRef, UInt128> _owed = [];

    public void Add(IActorRef worker, Tally tally) =>
        _owed[worker] = _owed.GetValueOrDefault(worker) + tally.CheckCount;

    /// <summary>Tells each worker what it is owed, in one message each.</summary>
    public void Pay(JobId job, Algorithm algorithm)
    {
        foreach (var (worker, checks) in _owed)
        {
            worker.Tell(new ChecksCounted(job, algorithm, checks));
        }

        _owed.Clear();
    }
}
