using PrimeCluster.Core.Planning;

namespace PrimeCluster.Core.Kernels;

/// <summary>
/// The tally of [from, til] as F(til) - F(from - 1), where F(n), the tally of [0, n], comes from the combinatorial
/// method of Deleglise and Rivat (<see cref="DelegliseRivat"/>): time about n^(2/3) and memory about n^(1/3), so
/// [0, 10^15] takes seconds where the segmented sieve would take days. Each F runs on every core given.
/// </summary>
public sealed class FormulaKernel : IPrimeKernel
{
    /// <summary>
    /// The largest til counted. F(10^15) takes 2 to 4 s on this project's 2-core machine and 0.12 GB resident
    /// (docs/formula.md), and the tests check a window at this top against the sieve. The method holds further (the
    /// floor of n / d in one double division is exact below 2^53, the cached base primes reach sqrt til to 4.5 * 10^15),
    /// but a job's F runs on one machine, and its time grows about as til^(2/3).
    /// </summary>
    public const ulong MaxTil = 1_000_000_000_000_000;

    /// <summary><see cref="MaxTil"/> as people write it.</summary>
    public const string MaxTilText = "10^15";

    /// <param name="cores">Cores to compute on; 0 for every core of the machine.</param>
    public FormulaKernel(int cores = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cores);
        Cores = cores == 0 ? Environment.ProcessorCount : cores;
    }

    public static FormulaKernel Instance { get; } = new();

    public int Cores { get; }

    public Algorithm Algorithm => Algorithm.Formula;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="til"/> is above <see cref="MaxTil"/>.</exception>
    public Tally Count(ulong from, ulong til, CancellationToken cancellationToken = default)
    {
        var lo = Math.Max(from, 2UL);
        if (til < lo)
        {
            return Tally.Zero;
        }

        if (til > MaxTil)
        {
            throw new ArgumentOutOfRangeException(nameof(til), til, $"The formula counts up to til = {MaxTil} ({MaxTilText}).");
        }

        // A range narrow for its numbers costs less to sieve than the two values of F: [10^12, 10^12 + 10^6] is one.
        var range = new NumberRange(lo, til);
        if (CostModel.EstimateSeconds(range, Algorithm.Sieve) < CostModel.FormulaSeconds(range))
        {
            return SieveKernel.Instance.Count(lo, til, cancellationToken);
        }

        return UpTo(til, cancellationToken) - UpTo(lo - 1, cancellationToken);
    }

    /// <summary>F(n): the tally of [0, n], always by the formula.</summary>
    internal Tally UpTo(ulong n, CancellationToken cancellationToken = default) => DelegliseRivat.Count(n, Cores, cancellationToken);
}
