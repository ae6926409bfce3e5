using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Testing;

/// <summary>
/// A real kernel that takes at least a set time per batch, asleep: a long job of many batches that leaves the cores to
/// the nodes and to the test, on a machine as loaded as it may be. Its tallies are exact.
/// </summary>
public sealed class PacedKernel(IPrimeKernel honest, TimeSpan pace) : IPrimeKernel
{
    public Algorithm Algorithm => honest.Algorithm;

    public static Func<Algorithm, IPrimeKernel> Source(TimeSpan pace) => algorithm => new PacedKernel(PrimeKernels.For(algorithm), pace);

    public Tally Count(ulong from, ulong til, CancellationToken cancellationToken = default)
    {
        cancellationToken.WaitHandle.WaitOne(pace);
        return honest.Count(from, til, cancellationToken);
    }
}
