namespace PrimeCluster.Core.Kernels;

/// <summary>Counts <c>primecounter(from, til)</c> for one range. Implementations are stateless and thread-safe.</summary>
public interface IPrimeKernel
{
    Algorithm Algorithm { get; }

    /// <summary>
    /// The tally of [max(from, 2), til]; (0, 0) when til is below that start.
    /// Long computations observe <paramref name="cancellationToken"/> and throw <see cref="OperationCanceledException"/>.
    /// </summary>
    Tally Count(ulong from, ulong til, CancellationToken cancellationToken = default);
}

public static class PrimeKernels
{
    public static IPrimeKernel For(Algorithm algorithm) => algorithm switch
    {
        Algorithm.Trial => TrialDivisionKernel.Instance,
        Algorithm.Sieve => SieveKernel.Instance,
        Algorithm.Formula => FormulaKernel.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
    };
}
