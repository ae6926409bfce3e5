using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Core.Tests.Kernels;

public sealed class FormulaKernelSpecs
{
    private static readonly FormulaKernel Kernel = FormulaKernel.Instance;
    private static readonly SieveKernel Sieve = SieveKernel.Instance;

    /// <summary>pi(10^k), k = 1..12, as published (10^13 to 10^15: the specs of F itself and the window at the top).</summary>
    public static TheoryData<int, ulong> PrimeCounts => new()
    {
        { 1, 4 },
        { 2, 25 },
        { 3, 168 },
        { 4, 1229 },
        { 5, 9592 },
        { 6, 78498 },
        { 7, 664579 },
        { 8, 5761455 },
        { 9, 50847534 },
        { 10, 455052511 },
        { 11, 4118054813 },
        { 12, 37607912018 },
    };

    [Theory]
    [MemberData(nameof(KnownValues.Small), MemberType = typeof(KnownValues))]
    [MemberData(nameof(KnownValues.Edges), MemberType = typeof(KnownValues))]
    public void Count_should_match_the_published_values(ulong from, ulong til, ulong primes, string checks)
    {
        Assert.Equal(new Tally(primes, UInt128.Parse(checks)), Kernel.Count(from, til));
    }

    [Theory]
    [MemberData(nameof(PrimeCounts))]
    public void Count_from_0_to_a_power_of_10_should_find_the_published_number_of_primes(int k, ulong primes)
    {
        Assert.Equal(primes, Kernel.Count(0, (ulong)Math.Pow(10, k)).PrimeCount);
    }

    [Theory]
    [InlineData(1_000_000_000UL, 50_847_534UL, "24739729959840944")]
    [InlineData(10_000_000_000UL, 455_052_511UL, "2220827921972188447")]
    [InlineData(100_000_000_000UL, 4_118_054_813UL, "201467219457774791525")]
    public void Count_should_match_the_sieve_up_to_powers_of_10_where_the_checks_pass_2_pow_64(ulong til, ulong primes, string checks)
    {
        // The check counts are the sieve's, computed once; the last is above 2^64.
        Assert.Equal(new Tally(primes, UInt128.Parse(checks)), Kernel.Count(0, til));
    }

    [Fact]
    public void F_should_match_the_sieve_for_every_small_til()
    {
        for (ulong til = 0; til <= 5_000; til++)
        {
            Assert.Equal(Sieve.Count(0, til), Kernel.UpTo(til));
        }
    }

    [Fact]
    public void Count_should_match_the_sieve_on_random_ranges_up_to_10_pow_10()
    {
        var random = new Random(20240613);
        for (var i = 0; i < 25; i++)
        {
            var til = (ulong)Math.Pow(10, 4 + random.NextDouble() * 6);
            var width = (ulong)Math.Pow(10, random.NextDouble() * Math.Min(6, Math.Log10(til)));
            var from = til - width + 1;

            // By the formula itself, not the sieve a narrow range is handed to.
            Assert.True(Sieve.Count(from, til) == Kernel.UpTo(til) - Kernel.UpTo(from - 1), $"[{from}, {til}] differs from the sieve");
        }
    }

    [Fact]
    public void Count_should_match_the_sieve_on_wide_random_ranges()
    {
        var random = new Random(7);
        for (var i = 0; i < 6; i++)
        {
            var from = (ulong)random.NextInt64(0, 100_000_000);
            var til = from + (ulong)random.NextInt64(0, 100_000_000);

            Assert.Equal(Sieve.Count(from, til), Kernel.Count(from, til));
        }
    }

    [Theory]
    [InlineData(1UL << 32)]
    [InlineData((1UL << 33) - 1)]
    [InlineData(1UL << 34)]
    public void Count_should_be_exact_across_a_boundary_of_the_arithmetic(ulong boundary)
    {
        // 2^32: counts and square roots leave 32 bits; 2^33: the sums of the largest values leave 64 bits.
        foreach (var (from, til) in new[] { (boundary - 3_000, boundary), (boundary - 1_500, boundary + 1_500), (boundary, boundary + 3_000) })
        {
            Assert.Equal(Sieve.Count(from, til), Kernel.UpTo(til) - Kernel.UpTo(from - 1));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Count_should_not_depend_on_the_cores_it_runs_on(int cores)
    {
        // Wide enough that every phase of the first steps is split into chunks.
        const ulong til = 30_000_000_000;

        Assert.Equal(new Tally(1_300_005_926, UInt128.Parse("19056871068975661420")), new FormulaKernel(cores).UpTo(til));
    }

    [Fact]
    public void Count_should_match_the_sieve_on_a_window_at_the_top_it_accepts()
    {
        const ulong top = FormulaKernel.MaxTil;
        const ulong from = top - 99_999;

        var whole = Kernel.UpTo(top);
        var below = Kernel.UpTo(from - 1);

        // pi(10^15) as published; the checks as Lucy's sieve, the kernel before, counted them (in 351 s, once).
        Assert.Equal(new Tally(29_844_570_422_669, UInt128.Parse("14692398591102419394920202055")), whole);
        Assert.Equal(Sieve.Count(from, top), whole - below);
        Assert.Equal(Sieve.Count(from, top), Kernel.Count(from, top));
    }

    [Fact]
    public void Count_should_match_the_sieve_on_a_window_at_10_pow_13()
    {
        const ulong top = 10_000_000_000_000;
        const ulong from = top - 99_999;

        Assert.Equal(Sieve.Count(from, top), Kernel.UpTo(top) - Kernel.UpTo(from - 1));
    }

    [Fact]
    public void Count_should_match_the_sieve_from_0_1_and_2()
    {
        var random = new Random(11);
        for (var i = 0; i < 5; i++)
        {
            var til = (ulong)random.NextInt64(2, 50_000_000);
            foreach (var from in new ulong[] { 0, 1, 2 })
            {
                Assert.True(Sieve.Count(from, til) == Kernel.Count(from, til), $"[{from}, {til}] differs from the sieve");
            }
        }
    }

    [Fact]
    public void F_should_match_the_sieve_on_ranges_whose_ends_are_close()
    {
        // By the formula itself, two values of F a few apart, however large.
        var random = new Random(5);
        for (var i = 0; i < 12; i++)
        {
            var til = (ulong)Math.Pow(10, 6 + (random.NextDouble() * 5));
            foreach (var from in new[] { til, til - 1, til - 2, til - 30 })
            {
                Assert.True(Sieve.Count(from, til) == Kernel.UpTo(til) - Kernel.UpTo(from - 1), $"[{from}, {til}] differs from the sieve");
            }
        }
    }

    [Fact]
    public void Count_should_sieve_a_narrow_range_of_large_numbers()
    {
        const ulong from = 999_999_000_000;

        Assert.Equal(Sieve.Count(from, from + 1_000_000), Kernel.Count(from, from + 1_000_000));
    }

    [Theory]
    [InlineData(0UL, FormulaKernel.MaxTil + 1)]
    [InlineData(FormulaKernel.MaxTil, FormulaKernel.MaxTil + 1)]
    [InlineData(ulong.MaxValue, ulong.MaxValue)]
    public void Count_should_refuse_a_til_above_the_top_it_accepts(ulong from, ulong til)
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => Kernel.Count(from, til));

        Assert.Equal("til", refused.ParamName);
        Assert.Contains(FormulaKernel.MaxTilText, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Count_should_stop_when_cancelled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => Kernel.Count(0, 100_000_000_000, cancelled.Token));
    }

    [Fact]
    public void Kernel_for_the_formula_should_be_the_formula_kernel()
    {
        Assert.Same(FormulaKernel.Instance, PrimeKernels.For(Algorithm.Formula));
        Assert.Equal("formula", Names.Of(Algorithm.Formula));
        Assert.True(Names.TryParse("formula", out Algorithm parsed));
        Assert.Equal(Algorithm.Formula, parsed);
    }
}
