using PrimeCluster.Actors.Workers;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// True tallies of batches, by the sieve, on a thread of its own on the coordinator's node: results are checked
/// without holding up the actors' thread pool, and a trial batch costs a tiny fraction of what it cost its worker.
/// </summary>
public sealed class TallyVerifier : IDisposable
{
    /// <summary>Named so that its CPU time can be told apart (in /proc, the first 15 characters: primecluster-ve).</summary>
    private readonly ComputeScheduler _thread = new(1, "primecluster-verifier");

    public Task<IReadOnlyList<Tally>> CountAsync(IReadOnlyList<NumberRange> ranges, CancellationToken cancellationToken) =>
        Task.Factory.StartNew<IReadOnlyList<Tally>>(
            () => ranges.Select(range => SieveKernel.Instance.Count(range.From, range.Til, cancellationToken)).ToList(),
            cancellationToken,
            TaskCreationOptions.None,
            _thread);

    public void Dispose() => _thread.Dispose();
}
