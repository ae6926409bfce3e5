using Akka.Actor;
using PrimeCluster.Actors.Jobs;
using static PrimeCluster.Actors.Messages.ClusterProtocol;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// The registered workers, each with the batches it holds for running jobs and whether one excluded it, and the nodes'
/// wrong tallies: the running jobs are asked what their workers hold, and one that does not answer in time counts none.
/// </summary>
internal static class WorkerListing
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public static void Send(IActorRef replyTo, IReadOnlyList<IActorRef> workers, IReadOnlyDictionary<Address, int> mismatches, IEnumerable<IActorRef> runningJobs, ActorSystem system)
    {
        var byNode = mismatches.Select(p => new NodeMismatches(p.Key, p.Value)).ToList();
        Task.WhenAll(runningJobs.Select(job => job.Ask<JobControl.Held>(JobControl.GetHeld.Instance, Timeout).ContinueWith(
                t => t.IsCompletedSuccessfully ? t.Result : JobControl.Held.None,
                TaskScheduler.Default)))
            .ContinueWith(
                held =>
                {
                    var batches = held.Result.SelectMany(h => h.ByWorker).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.Value));
                    var excluded = held.Result.SelectMany(h => h.Excluded).ToHashSet();
                    return new WorkerList(
                        workers
                            .Select(w => new WorkerView(NodeAddress.Of(w, system), w.Path.ToStringWithoutAddress(), batches.GetValueOrDefault(w), excluded.Contains(w)))
                            .ToList(),
                        byNode);
                },
                TaskScheduler.Default)
            .PipeTo(replyTo);
    }
}
