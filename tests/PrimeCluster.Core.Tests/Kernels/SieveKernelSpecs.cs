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
        // A block holds 2^15 wheel bytes, 983,040 numbers, and a segment 8 blocks; cut just before, at and after each of
        // the first blocks and segments.
        const ulong blockNumbers = 983_040;
        const ulong til = 16 * blockNumbers + 12_345;
        var cuts = new ulong[] { 1, 2, 3, 4, 8, 16 }.SelectMany(k => new[] { (k * blockNumbers) - 1, k * blockNumbers, (k * blockNumbers) + 1, (k * blockNumbers) + 7 }).ToList();

        var sum = Tally.Zero;
        var from = 0UL;
        foreach (var cut in cuts.Append(til + 1))
        {
            sum += Kernel.Count(from, cut - 1);
            from = cut;
        }

        Assert.Equal(Kernel.Count(0, til), sum);
        Assert.Equal(FormulaKernel.Instance.Count(0, til), sum);
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
    public void Prime_counts_should_match_primesieve_on_random_ranges()
    {
        // Tiny ranges up to 2^48, ranges over segments and blocks up to 10^13, and the top, counted number by number
        // (primesieve takes a second or more for any range up there).
        var random = new Random(2_027);
        var ranges = new List<(ulong From, ulong Til)> { (0, 100_000_000), (ulong.MaxValue - 20_000, ulong.MaxValue) };
        for (var i = 0; i < 30; i++)
        {
            var from = (ulong)Math.Pow(2, random.NextDouble() * 48) + (ulong)random.Next(0, 100);
            ranges.Add((from, from + (ulong)random.Next(0, 60)));
        }

        for (var i = 0; i < 20; i++)
        {
            var from = (ulong)Math.Pow(10, random.NextDouble() * 13);
            ranges.Add((from, from + (ulong)random.NextInt64(0, 20_000_000)));
        }

        foreach (var (from, til) in ranges)
        {
            Assert.True(Primesieve.CountPrimes(from, til) == Kernel.Count(from, til).PrimeCount, $"[{from}, {til}] differs from primesieve");
        }
    }

    [Fact]
    public void Count_should_match_the_formula_on_wide_random_ranges()
    {
        // Two independent methods over many segments, blocks and presieve periods: the formula counts F(til) - F(from - 1).
        var random = new Random(1_000);
        for (var i = 0; i < 12; i++)
        {
            var from = (ulong)Math.Pow(10, random.NextDouble() * 11);
            var til = from + (ulong)random.NextInt64(0, 40_000_000);
            Assert.True(FormulaKernel.Instance.Count(from, til) == Kernel.Count(from, til), $"[{from}, {til}] differs from the formula");
        }
    }

    [Fact]
    public void Count_should_not_depend_on_the_vector_instructions()
    {
        // Without them every prime strikes one multiple at a time and survivors are counted byte by byte.
        var random = new Random(30);
        foreach (var magnitude in new ulong[] { 2, 1_000, 1_000_000, 1UL << 32, 1_000_000_000_000, (1UL << 52) - 3_000_000, 1UL << 53 })
        {
            // Past the cached base primes, each segment makes its own: a few ranges there.
            for (var i = 0; i < (magnitude < 1UL << 40 ? 12 : 2); i++)
            {
                var from = magnitude + (ulong)random.Next(0, 1_000);
                var til = from + (ulong)(i % 3 == 0 ? random.Next(0, 300) : random.NextInt64(0, magnitude < 1UL << 52 ? 10_000_000 : 400_000));
                var vectorized = new WheelSieve(from, til).Count(CancellationToken.None);
                Assert.True(new WheelSieve(from, til, vectorized: false).Count(CancellationToken.None) == vectorized, $"[{from}, {til}]");
                if (til - from < 300)
                {
                    Assert.True(Oracle.ClosedForm(from, til) == Presieve.Tally(from, til) + vectorized, $"[{from}, {til}] differs from the closed form");
                }
            }
        }
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
    public void The_strike_loops_should_clear_the_bits_the_wheel_puts_each_class_on()
    {
        Assert.Equal(Wheel.ClassMasks, SievingPrimes.LoopMasks);
        for (var c = 0; c < 8; c++)
        {
            Assert.Equal(byte.MaxValue, Enumerable.Range(0, 8).Aggregate(0, (bits, j) => bits | (int)(Wheel.ClassMasks[c] >> (8 * j)) & 0xFF));
        }
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
