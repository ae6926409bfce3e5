namespace PrimeCluster.Core.Kernels;

public sealed class FormulaKernel : IPrimeKernel
{
    public const ulong MaxTil = 1_000_000_000_000_000;

    public FormulaKernel(int degreeOfParallelism = -1)
    {
        DegreeOfParallelism = degreeOfParallelism;
    }

    public static FormulaKernel Instance { get; } = new();

    public int DegreeOfParallelism { get; }

    public Algorithm Algorithm => Algorithm.Formula;

    public Tally Count(ulong from, ulong til, CancellationToken cancellationToken = default)
    {
        var lo = Math.Max(from, 2UL);
        if (til < lo)
        {
            return Tally.Zero;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(til, MaxTil);
        return UpTo(til, cancellationToken) - UpTo(lo - 1, cancellationToken);
    }

    internal Tally UpTo(ulong n, CancellationToken cancellationToken) => LucySieve.Count(n, DegreeOfParallelism < 1 ? Environment.ProcessorCount : DegreeOfParallelism, cancellationToken);
}
