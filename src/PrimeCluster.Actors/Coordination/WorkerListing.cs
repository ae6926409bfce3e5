using Akka.Actor;
using PrimeCluster.Actors.Jobs;
using static PrimeCluster.Actors.Messages.ClusterProtocol;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// The registered workers, each with the batches it holds for running jobs and whether one excluded it, and the nodes'
/// wrong tallies and the latest throughput sample: the running jobs are asked what their workers hold, and one that does
/// not answer in time counts none.
/// </summary>
internal static class WorkerListing
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public static void Send(IActorRef replyTo, IReadOnlyList<IActorRef> workers, IReadOnlyDictionary<Address, int> mismatches, IEnumerable<IActorRef> runningJobs, IActorRef monitor, ActorSystem system)
    {
        var byNode = mismatches.Select(p => new NodeMismatches(p.Key, p.Value)).ToList();
        var throughput = monitor.Ask<ClusterMonitor.LatestThroughput>(ClusterMonitor.GetLatestThroughput.Instance, Timeout).ContinueWith(
            t => t.IsCompletedSuccessfully ? t.Result.Sample : null,
            TaskScheduler.Default);
        var allHeld = Task.WhenAll(runningJobs.Select(job => job.Ask<JobControl.Held>(JobControl.GetHeld.Instance, Timeout).ContinueWith(
                t => t.IsCompletedSuccessfully ? t.Result : JobControl.Held.None,
                TaskScheduler.Default)));
        Task.WhenAll(allHeld, throughput)
            .ContinueWith(
                _ =>
                {
                    var held = allHeld.Result;
                    var batches = held.SelectMany(h => h.ByWorker).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.Value));
                    var excluded = held.SelectMany(h => h.Excluded).ToHashSet();
                    return new WorkerList(
                        workers
                            .Select(w => new WorkerView(NodeAddress.Of(w, system), w.Path.ToStringWithoutAddress(), batches.GetValueOrDefault(w), excluded.Contains(w)))
                            .ToList(),
                        byNode,
                        throughput.Result);
                },
                TaskScheduler.Default)
            .PipeTo(replyTo);
    }
}
