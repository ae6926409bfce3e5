using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Core.Tests.Kernels;

public sealed class TrialDivisionKernelSpecs
{
    private static readonly TrialDivisionKernel Kernel = TrialDivisionKernel.Instance;

    [Theory]
    [MemberData(nameof(KnownValues.Small), MemberType = typeof(KnownValues))]
    [MemberData(nameof(KnownValues.Edges), MemberType = typeof(KnownValues))]
    [MemberData(nameof(KnownValues.Top), MemberType = typeof(KnownValues))]
    public void Count_should_match_the_published_values(ulong from, ulong til, ulong primes, string checks)
    {
        Assert.Equal(new Tally(primes, UInt128.Parse(checks)), Kernel.Count(from, til));
    }

    [Fact]
    public void Count_should_match_the_reference_loop_on_every_small_range()
    {
        for (ulong from = 0; from <= 40; from++)
        {
            for (var til = from; til <= 300; til++)
            {
                Assert.Equal(ReferenceCounter.PrimeCounter(from, til), Kernel.Count(from, til));
            }
        }
    }

    [Fact]
    public void Count_should_match_the_reference_loop_on_random_ranges()
    {
        var random = new Random(20261125);
        for (var i = 0; i < 150; i++)
        {
            var from = (ulong)random.NextInt64(0, 30_000);
            var til = from + (ulong)random.NextInt64(0, 2_500);
            Assert.True(
                ReferenceCounter.PrimeCounter(from, til) == Kernel.Count(from, til),
                $"[{from}, {til}] differs from the reference loop");
        }
    }

    [Fact]
    public void Count_should_match_the_closed_form_on_random_windows_of_every_lane_width()
    {
        var random = new Random(7);
        for (var i = 0; i < 60; i++)
        {
            // Log-uniform starts from the scalar region through single into double precision lanes.
            var from = (ulong)Math.Pow(2, 10 + random.NextDouble() * 16);
            var til = from + (ulong)random.NextInt64(0, 300);
            Assert.True(Oracle.ClosedForm(from, til) == Kernel.Count(from, til), $"[{from}, {til}] differs from the closed form");
        }
    }

    [Theory]
    [InlineData(4096UL)]
    [InlineData(1UL << 22)]
    public void Count_should_be_exact_across_each_change_of_lane_width(ulong boundary)
    {
        var (from, til) = (boundary - 3000, boundary + 3000);

        Assert.Equal(Oracle.ClosedForm(from, til), Kernel.Count(from, til));
        Assert.Equal(Kernel.Count(from, boundary - 1) + Kernel.Count(boundary, til), Kernel.Count(from, til));
    }

    [Fact]
    public void Count_should_be_exact_for_a_prime_and_its_neighbours_just_below_2_pow_32()
    {
        // 4294967291 is the largest prime below 2^32: 4294967289 checks, all performed.
        const ulong from = 4294967291 - 4, til = 4294967295;

        var tally = Kernel.Count(from, til);

        Assert.Equal(Oracle.ClosedForm(from, til), tally);
        Assert.Equal(1UL, tally.PrimeCount);
    }

    [Fact]
    public void Count_should_match_the_reference_loop_just_above_2_pow_32()
    {
        // 2^32 + 15 is the first prime above 2^32; the numbers before it are cheap composites.
        const ulong from = 1UL << 32, til = (1UL << 32) + 14;

        Assert.Equal(ReferenceCounter.PrimeCounter(from, til), Kernel.Count(from, til));
    }

    [Theory]
    [InlineData(1UL << 50)]
    [InlineData(ulong.MaxValue)]
    public void Count_should_match_the_reference_loop_on_composites_near_large_boundaries(ulong center)
    {
        var (from, til) = Oracle.CheapCompositeWindow(center, maxSpf: 5_000, reach: 40);

        Assert.True(til - from >= 2, $"window [{from}, {til}] is too narrow to test anything");
        Assert.Equal(ReferenceCounter.PrimeCounter(from, til), Kernel.Count(from, til));
    }

    [Fact]
    public void Count_should_stop_when_cancelled()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => Kernel.Count(1_000_000, 2_000_000, cancellation.Token));
    }
}
