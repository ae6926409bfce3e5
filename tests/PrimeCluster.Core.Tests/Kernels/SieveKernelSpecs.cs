using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Core.Tests.Kernels;

public sealed class SieveKernelSpecs
{
    private static readonly SieveKernel Kernel = SieveKernel.Instance;

    [Theory]
    [MemberData(nameof(KnownValues.Small), MemberType = typeof(KnownValues))]
    [MemberData(nameof(KnownValues.Edges), MemberType = typeof(KnownValues))]
    [MemberData(nameof(KnownValues.Top), MemberType = typeof(KnownValues))]
    public void Count_should_match_the_published_values(ulong from, ulong til, ulong primes, string checks)
    {
        Assert.Equal(new Tally(primes, UInt128.Parse(checks)), Kernel.Count(from, til));
    }

    [Fact]
    public void Count_should_match_the_published_value_up_to_a_billion()
    {
        Assert.Equal(new Tally(50_847_534, 24_739_729_959_840_944), Kernel.Count(0, 1_000_000_000));
    }

    [Fact]
    public void Count_should_match_the_reference_loop_on_every_small_range()
    {
        for (ulong from = 0; from <= 40; from++)
        {
            for (var til = from; til <= 400; til++)
            {
                Assert.Equal(ReferenceCounter.PrimeCounter(from, til), Kernel.Count(from, til));
            }
        }
    }

    [Fact]
    public void Count_should_match_trial_division_on_random_ranges()
    {
        var random = new Random(42);
        for (var i = 0; i < 120; i++)
        {
            var from = (ulong)Math.Pow(2, random.NextDouble() * 22);
            var til = from + (ulong)random.NextInt64(0, 5_000);
            Assert.True(
                TrialDivisionKernel.Instance.Count(from, til) == Kernel.Count(from, til),
                $"[{from}, {til}] differs from trial division");
        }
    }

    [Fact]
    public void Count_should_add_up_over_any_split_of_a_range_spanning_many_segments()
    {
        const ulong til = 20_000_000;
        var whole = Kernel.Count(0, til);
        var random = new Random(3);
        var cuts = Enumerable.Range(0, 25).Select(_ => (ulong)random.NextInt64(1, (long)til)).Distinct().Order().ToList();

        var sum = Tally.Zero;
        var from = 0UL;
        foreach (var cut in cuts.Append(til + 1))
        {
            sum += Kernel.Count(from, cut - 1);
            from = cut;
        }

        Assert.Equal(whole, sum);
    }

    [Theory]
    [InlineData(1UL << 40, 300_000UL)]
    [InlineData((1UL << 52) - 150_000, 300_000UL)]
    [InlineData(1UL << 56, 10_000UL)]
    [InlineData(ulong.MaxValue - 2_000, 2_000UL)]
    public void Count_should_match_the_closed_form_on_windows_of_large_numbers(ulong from, ulong width)
    {
        var til = from + (width - 1);

        Assert.Equal(Oracle.ClosedForm(from, til), Kernel.Count(from, til));
    }

    [Fact]
    public void Count_should_sieve_with_primes_beyond_the_cache_when_the_window_is_wide()
    {
        // Wider than the window counted number by number, with sqrt(til) past the cached base primes.
        const ulong from = (1UL << 56) + 12_345;
        const ulong til = from + SieveKernel.NarrowWindow + 1_000;

        Assert.Equal(Oracle.ClosedForm(from, til), Kernel.Count(from, til));
    }

    [Fact]
    public void Count_should_be_exact_for_the_whole_top_window_ending_at_2_pow_64_minus_1()
    {
        const ulong from = ulong.MaxValue - 100;

        var tally = Kernel.Count(from, ulong.MaxValue);

        Assert.Equal(Oracle.ClosedForm(from, ulong.MaxValue), tally);
        Assert.Equal(new Tally(3, UInt128.Parse("55340232221268346529")), tally);
    }
}

public sealed class FirstOddMultipleSpecs
{
    [Theory]
    [InlineData(3UL, 0UL, 9UL)]
    [InlineData(7UL, 50UL, 63UL)]
    [InlineData(7UL, 63UL, 63UL)]
    [InlineData(7UL, 64UL, 77UL)]
    [InlineData(257UL, 18446744073709551615UL, 18446744073709551615UL)]
    [InlineData(641UL, 18446744073709551000UL, 18446744073709551615UL)]
    public void The_first_odd_multiple_at_or_after_start_should_be_found(ulong prime, ulong start, ulong expected)
    {
        Assert.True(SieveKernel.TryFirstOddMultiple(prime, start, out var multiple));
        Assert.Equal(expected, multiple);
    }

    [Theory]
    [InlineData(19UL, 18446744073709551600UL)]
    [InlineData(4294967291UL, 18446744073709551592UL)]
    [InlineData(7UL, 18446744073709551614UL)]
    public void No_multiple_should_be_made_up_past_2_pow_64_minus_1(ulong prime, ulong start)
    {
        Assert.False(SieveKernel.TryFirstOddMultiple(prime, start, out _));
    }
}
