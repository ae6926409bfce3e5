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

    [Fact]
    public void Count_should_be_exact_for_ranges_starting_and_ending_at_every_residue_mod_30()
    {
        // Every place in a cycle of the wheel, on both ends, including 2, 3, 5 and the presieved primes up to 41.
        foreach (var start in new ulong[] { 0, 30, 1_000_020, 4_294_967_280 })
        {
            for (ulong a = 0; a < 30; a++)
            {
                for (ulong b = 0; b < 30; b += 7)
                {
                    var from = start + a;
                    var til = start + 300 + b;
                    Assert.True(Oracle.ClosedForm(from, til) == Kernel.Count(from, til), $"[{from}, {til}]");
                }
            }
        }
    }

    [Fact]
    public void Count_should_add_up_over_cuts_at_segment_boundaries()
    {
        // A segment holds 2^18 wheel bytes, 983,040 numbers; cut just before, at and after each of the first few.
        const ulong segmentNumbers = 983_040;
        const ulong til = 4 * segmentNumbers + 12_345;
        var cuts = Enumerable.Range(1, 4).Select(k => (ulong)k).SelectMany(k => new[] { (k * segmentNumbers) - 1, k * segmentNumbers, (k * segmentNumbers) + 1, (k * segmentNumbers) + 7 }).ToList();

        var sum = Tally.Zero;
        var from = 0UL;
        foreach (var cut in cuts.Append(til + 1))
        {
            sum += Kernel.Count(from, cut - 1);
            from = cut;
        }

        Assert.Equal(Kernel.Count(0, til), sum);
        Assert.Equal(new Tally(279_552, 530_333_043_170), sum);
    }

    [Fact]
    public void Count_should_be_exact_across_2_pow_32()
    {
        const ulong two32 = 1UL << 32;

        Assert.Equal(Oracle.ClosedForm(two32 - 5_000, two32 + 5_000), Kernel.Count(two32 - 5_000, two32 + 5_000));
        Assert.Equal(Kernel.Count(two32 - 3_000_000, two32 + 3_000_000), Kernel.Count(two32 - 3_000_000, two32 - 1) + Kernel.Count(two32, two32 + 3_000_000));
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

public sealed class FirstMultipleSpecs
{
    [Theory]
    [InlineData(7UL, 0UL, 100UL, 49UL)]
    [InlineData(7UL, 50UL, 1000UL, 77UL)]
    [InlineData(7UL, 77UL, 77UL, 77UL)]
    [InlineData(43UL, 2UL, 1849UL, 1849UL)]
    [InlineData(41UL, 18446744073709549615UL, 18446744073709551615UL, 18446744073709549673UL)]
    [InlineData(7UL, 18446744073709551595UL, 18446744073709551615UL, 18446744073709551607UL)]
    [InlineData(4294967291UL, 18446743073709551615UL, 18446744073709551615UL, 18446744030759878681UL)]
    [InlineData(67108859UL, 4503599627370496UL, 9007199254740992UL, 4503599761588189UL)]
    public void The_first_multiple_on_the_wheel_at_or_after_the_start_should_be_found(ulong prime, ulong lo, ulong til, ulong expected)
    {
        Assert.True(SievingPrimes.TryFirstMultiple(prime, lo, til, out var m, out var j));
        Assert.Equal(expected, prime * Wheel.NumberAt((8 * m) + (ulong)j));
        Assert.Equal(Wheel.IndexOf(expected), (8 * prime * m) + Wheel.Offset(prime, j));
    }

    [Theory]
    [InlineData(43UL, 2UL, 1848UL)]
    [InlineData(65537UL, 18446744073709551515UL, 18446744073709551615UL)]
    [InlineData(7UL, 18446744073709551609UL, 18446744073709551615UL)]
    public void No_multiple_should_be_made_up_past_til(ulong prime, ulong lo, ulong til)
    {
        Assert.False(SievingPrimes.TryFirstMultiple(prime, lo, til, out _, out _));
    }
}

public sealed class WheelSpecs
{
    [Fact]
    public void Indices_should_name_the_numbers_coprime_to_30_in_order()
    {
        var index = 0UL;
        for (var n = 1UL; n <= 3_000; n++)
        {
            if (n % 2 != 0 && n % 3 != 0 && n % 5 != 0)
            {
                Assert.Equal(n, Wheel.NumberAt(index));
                Assert.Equal(index, Wheel.IndexOf(n));
                index++;
            }

            Assert.Equal(index, Wheel.IndexAtOrAfter(n + 1));
            Assert.Equal(index - 1, Wheel.IndexAtOrBefore(n));
        }
    }

    [Theory]
    [InlineData(18446744073709551615UL)]
    [InlineData(18446744073709551614UL)]
    [InlineData(18446744073709551557UL)]
    public void The_last_index_should_be_found_up_to_2_pow_64_minus_1(ulong n)
    {
        var last = Wheel.IndexAtOrBefore(n);

        Assert.True(Wheel.NumberAt(last) <= n);
        Assert.True(n - Wheel.NumberAt(last) < 6);
        Assert.Equal(1UL, IntegerMath.Gcd(Wheel.NumberAt(last), 30));
    }

    [Fact]
    public void Offsets_should_place_every_multiple_of_a_prime_on_the_wheel()
    {
        foreach (var p in new ulong[] { 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 49_999, 1_000_003, 67_108_859 })
        {
            for (var m = 0UL; m < 3; m++)
            {
                for (var j = 0; j < 8; j++)
                {
                    var k = (30 * m) + Wheel.Residues[j];
                    Assert.Equal(Wheel.IndexOf(p * k), (8 * p * m) + Wheel.Offset(p, j));
                }
            }
        }
    }
}
