using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Core.Tests.Kernels;

/// <summary>F(n) by the combinatorial method against Lucy's sieve, the kernel before it, and its tables against brute force.</summary>
public sealed class DelegliseRivatSpecs
{
    private static Tally Lucy(ulong n) => LucySieve.Count(n, Environment.ProcessorCount, default);

    [Fact]
    public void F_should_match_Lucys_sieve_for_every_n_up_to_20000_however_it_is_cut()
    {
        // The smallest y, the shortest segments and three chunks: every kind of leaf, many segments, chunk seams.
        var tuning = new FormulaTuning(Alpha: 1, Chunks: 3, SegmentBits: 9);
        for (ulong n = 0; n <= 20_000; n++)
        {
            var tally = DelegliseRivat.Count(n, 1, default, tuning);
            Assert.True(LucySieve.Count(n, 1, default) == tally, $"F({n}) = {tally}");
        }
    }

    [Fact]
    public void F_should_match_Lucys_sieve_for_random_n_and_any_tuning()
    {
        var random = new Random(20251208);
        for (var i = 0; i < 60; i++)
        {
            var n = (ulong)Math.Pow(10, 4 + (random.NextDouble() * 7));
            var tuning = new FormulaTuning(
                Alpha: 1 + (random.NextDouble() * 24),
                Chunks: random.Next(0, 9),
                SegmentBits: random.Next(2) == 0 ? 0 : random.Next(LeafSieve.MinSegmentBits, LeafSieve.MaxSegmentBits + 1));

            var tally = DelegliseRivat.Count(n, 2, default, tuning);
            Assert.True(Lucy(n) == tally, $"F({n}) with {tuning} = {tally}");
        }
    }

    [Theory]
    [InlineData((1UL << 33) - 1)]
    [InlineData(1UL << 33)]
    [InlineData((1UL << 36) + 1)]
    [InlineData(999_999_999_989UL)]
    [InlineData(4_294_967_291UL * 13)]
    public void F_should_match_Lucys_sieve_around_landmarks(ulong n)
    {
        // Powers of two, the largest prime below 10^12, the largest 32-bit prime times 13.
        foreach (var m in new[] { n - 1, n, n + 1 })
        {
            Assert.True(Lucy(m) == DelegliseRivat.Count(m, 2, default), $"F({m})");
        }
    }

    [Fact]
    public void F_should_match_Lucys_sieve_at_10_pow_13()
    {
        const ulong n = 10_000_000_000_000;

        var tally = DelegliseRivat.Count(n, Environment.ProcessorCount, default);

        Assert.Equal(new Tally(346_065_536_839, UInt128.Parse("1699246543186319937189141")), tally);
        Assert.Equal(Lucy(n), tally);
    }

    [Fact]
    public void F_should_give_Lucys_value_at_10_pow_14()
    {
        // Lucy's sieve took 97 s for this on the project's machine, once.
        Assert.Equal(
            new Tally(3_204_941_750_802, UInt128.Parse("157589263416662674851955212")),
            DelegliseRivat.Count(100_000_000_000_000, Environment.ProcessorCount, default));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 7)]
    [InlineData(2, 64)]
    [InlineData(5, 0)]
    public void F_should_not_depend_on_the_cores_or_the_chunks(int cores, int chunks)
    {
        const ulong n = 30_000_000_000;

        Assert.Equal(new Tally(1_300_005_926, UInt128.Parse("19056871068975661420")), DelegliseRivat.Count(n, cores, default, new FormulaTuning(Chunks: chunks, SegmentBits: 14)));
    }

    [Fact]
    public void F_should_stop_when_cancelled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => DelegliseRivat.Count(100_000_000_000, 2, cancelled.Token));
    }

    [Fact]
    public void PrimeTable_should_number_count_and_sum_the_odd_primes()
    {
        const ulong limit = 100_000;
        var table = new PrimeTable(limit);
        var k = 0;
        ulong sum = 0;
        for (ulong v = 0; v <= limit; v++)
        {
            if (v > 2 && PrimeFactors.IsPrime(v))
            {
                k++;
                sum += v;
                Assert.Equal(v, table[k]);
                Assert.Equal(sum, table.Sums[k]);
            }

            Assert.Equal(k, table.Pi(v));
        }

        Assert.Equal(k, table.Count);
    }

    [Fact]
    public void FactorTable_should_hold_mu_and_the_smallest_and_largest_prime_factors()
    {
        const ulong bound = 30_000;
        var primes = new PrimeTable(bound);
        var table = new FactorTable(bound, primes);
        for (ulong d = 3; d <= bound; d += 2)
        {
            var factors = new List<ulong>();
            for (var rest = d; rest > 1;)
            {
                var p = PrimeFactors.SmallestPrimeFactor(rest);
                factors.Add(p);
                rest /= p;
            }

            var h = (int)(d / 2);
            var squarefree = factors.Distinct().Count() == factors.Count;
            Assert.Equal(squarefree ? (factors.Count % 2 == 0 ? 1 : -1) : 0, table.Mu[h]);
            Assert.Equal(factors[0], primes[table.Smallest[h]]);
            Assert.Equal(factors[^1], primes[table.Largest[h]]);
        }

        Assert.Equal(1, table.Mu[0]);
    }

    [Fact]
    public void PhiTiny_should_count_and_sum_the_odd_numbers_free_of_the_smallest_primes()
    {
        ulong[] small = [3, 5, 7, 11, 13];
        var tiny = new PhiTiny(DelegliseRivat.TinyLevels);
        for (var level = 0; level < tiny.Levels; level++)
        {
            ulong phi = 0, sigma = 0;
            for (ulong v = 0; v <= 70_000; v++)
            {
                if (v % 2 == 1 && small.Take(level).All(p => v % p != 0))
                {
                    phi++;
                    sigma += v;
                }

                Assert.Equal((phi, sigma), tiny.At(level, v));
            }
        }
    }
}
