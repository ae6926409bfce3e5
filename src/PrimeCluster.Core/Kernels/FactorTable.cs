namespace PrimeCluster.Core.Kernels;

/// <summary>
/// For every odd d up to a bound: the Moebius function mu(d) and the indexes (in a <see cref="PrimeTable"/>) of its
/// smallest and largest prime factors. Entry h stands for d = 2h + 1; d = 1 has no factor: smallest int.MaxValue,
/// largest 0.
/// </summary>
internal sealed class FactorTable
{
    public FactorTable(ulong bound, PrimeTable primes)
    {
        var size = (int)(bound / 2) + 1;
        Mu = new sbyte[size];
        Smallest = new int[size];
        Largest = new int[size];
        Array.Fill(Mu, (sbyte)1);
        Smallest[0] = int.MaxValue;
        for (var k = 1; primes[k] <= bound; k++)
        {
            // Ascending primes: the first to reach d is its smallest factor, the last its largest.
            var p = primes[k];
            for (var d = p; d <= bound; d += 2 * p)
            {
                var h = (int)(d / 2);
                if (Smallest[h] == 0)
                {
                    Smallest[h] = k;
                }

                Largest[h] = k;
                Mu[h] = (sbyte)-Mu[h];
            }

            for (var d = p * p; d <= bound; d += 2 * p * p)
            {
                Mu[d / 2] = 0;
            }
        }
    }

    public sbyte[] Mu { get; }

    public int[] Smallest { get; }

    public int[] Largest { get; }
}
