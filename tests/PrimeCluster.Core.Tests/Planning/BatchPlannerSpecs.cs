using PrimeCluster.Core.Kernels;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Core.Tests.Planning;

public sealed class BatchPlannerSpecs
{
    public static TheoryData<ulong, ulong> Ranges => new()
    {
        { 0, 0 },
        { 5, 5 },
        { 0, 10 },
        { 1, 200_000 },
        { 999_999_000, 1_000_000_000 },
        { 0, ulong.MaxValue },
        { ulong.MaxValue - 3, ulong.MaxValue },
        { ulong.MaxValue - 1_000_000, ulong.MaxValue },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public void Plan_should_cover_every_number_exactly_once_for_every_strategy(ulong from, ulong til)
    {
        var range = new NumberRange(from, til);
        foreach (var split in Enum.GetValues<SplitStrategy>())
        {
            foreach (var algorithm in Enum.GetValues<Algorithm>().Where(a => a != Algorithm.Formula || til <= FormulaKernel.MaxTil))
            {
                foreach (var batches in new long?[] { null, 1, 3, 64, 1_000 })
                {
                    var plan = BatchPlanner.Plan(range, new PlanOptions { Split = split, Algorithm = algorithm, Workers = 3, Batches = batches });
                    AssertCovers(range, plan);
                }
            }
        }
    }

    [Fact]
    public void Starmap_should_split_like_the_article_but_keep_til()
    {
        var plan = BatchPlanner.Plan(new NumberRange(0, 10), new PlanOptions { Split = SplitStrategy.Starmap, Workers = 4 });

        Assert.Equal(
            [new NumberRange(0, 2), new NumberRange(3, 5), new NumberRange(6, 8), new NumberRange(9, 10)],
            plan.Select(b => b.Range));
    }

    [Fact]
    public void Balanced_should_make_several_batches_per_worker_of_nearly_equal_real_cost_then_halve_them_round_by_round()
    {
        var plan = BatchPlanner.Plan(new NumberRange(1, 200_000), new PlanOptions { Workers = 2 });
        var checks = plan.Select(b => (double)SieveKernel.Instance.Count(b.Range.From, b.Range.Til).CheckCount).ToList();
        var full = checks.Take(10).ToList();

        Assert.Equal(2 * PlanOptions.DefaultBatchesPerWorker, plan.Count);
        // Within a fifth: the first batches hold more numbers, each with a small cost besides its checks.
        Assert.True(full.Max() / full.Min() < 1.2, $"full batches' checks range from {full.Min()} to {full.Max()}");

        // The last three rounds of one batch per worker cost a half, a quarter and an eighth of a full batch.
        var fullMean = full.Average();
        var tail = checks.Skip(10).Select(c => c / fullMean).ToList();
        Assert.Equal(6, tail.Count);
        foreach (var (share, expected) in tail.Zip(new[] { 0.5, 0.5, 0.25, 0.25, 0.125, 0.125 }))
        {
            Assert.InRange(share, expected * 0.8, expected * 1.2);
        }
    }

    [Fact]
    public void Balanced_should_make_equal_batches_for_one_worker_or_too_few_batches_for_a_tail()
    {
        var range = new NumberRange(1, 200_000);
        foreach (var options in new[] { new PlanOptions { Workers = 1 }, new PlanOptions { Workers = 2, Batches = 11 } })
        {
            var checks = BatchPlanner.Plan(range, options).Select(b => (double)SieveKernel.Instance.Count(b.Range.From, b.Range.Til).CheckCount).ToList();
            Assert.True(checks.Max() / checks.Min() < 1.2, $"with {options.Workers} workers and {checks.Count} batches, checks range from {checks.Min()} to {checks.Max()}");
        }
    }

    [Fact]
    public void Balanced_tail_should_shorten_the_wait_at_the_end_when_batch_times_vary()
    {
        // Two workers pull batches in order, as the cluster's do: each computes one batch and holds the next. A batch
        // takes its exact checks times a random factor (log-normal, sigma 0.2, the same draws for both plans); the
        // wait at the end is how much later the job ends than if both workers had shared its time evenly.
        var range = new NumberRange(1, 200_000);
        var tapered = BatchPlanner.Plan(range, new PlanOptions { Workers = 2 });
        var equal = BatchPlanner.Plan(range, new PlanOptions { Workers = 1, Batches = tapered.Count });

        double MeanWaitAtEnd(BatchPlan plan)
        {
            var costs = plan.Select(b => (double)SieveKernel.Instance.Count(b.Range.From, b.Range.Til).CheckCount).ToArray();
            var random = new Random(2026);
            var wait = 0.0;
            const int Jobs = 2000;
            for (var job = 0; job < Jobs; job++)
            {
                var times = costs.Select(c => c * Math.Exp(0.2 * Gaussian(random))).ToArray();
                var ends = new[] { times[0], times[2] };
                var held = new long?[] { 1, 3 };
                var next = 4;
                var working = new[] { true, true };
                while (working[0] || working[1])
                {
                    // The worker whose batch ends first starts the one it holds and is handed the next.
                    var worker = !working[1] || (working[0] && ends[0] <= ends[1]) ? 0 : 1;
                    if (held[worker] is { } start)
                    {
                        ends[worker] += times[start];
                        held[worker] = next < times.Length ? next++ : null;
                    }
                    else
                    {
                        working[worker] = false;
                    }
                }

                wait += ends.Max() - (times.Sum() / 2);
            }

            return wait / Jobs;
        }

        var withTail = MeanWaitAtEnd(tapered);
        var withoutTail = MeanWaitAtEnd(equal);
        Assert.True(withTail < 0.6 * withoutTail, $"the wait at the end is {withTail / withoutTail:P0} of equal batches' ({withTail:E2} against {withoutTail:E2} checks)");
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void Balanced_should_finish_two_workers_nearly_twice_as_fast_where_starmap_does_not()
    {
        // Two workers pull batches in order; a batch costs its exact number of checks.
        var range = new NumberRange(1, 200_000);
        var total = (double)SieveKernel.Instance.Count(1, 200_000).CheckCount;

        double Speedup(SplitStrategy split)
        {
            var plan = BatchPlanner.Plan(range, new PlanOptions { Split = split, Workers = 2 });
            var workerBusyUntil = new double[2];
            foreach (var batch in plan)
            {
                var next = workerBusyUntil[0] <= workerBusyUntil[1] ? 0 : 1;
                workerBusyUntil[next] += (double)SieveKernel.Instance.Count(batch.Range.From, batch.Range.Til).CheckCount;
            }

            return total / workerBusyUntil.Max();
        }

        Assert.True(Speedup(SplitStrategy.Balanced) >= 1.9, $"balanced gains {Speedup(SplitStrategy.Balanced):F2}x");
        Assert.True(Speedup(SplitStrategy.Starmap) < 1.5, $"starmap gains {Speedup(SplitStrategy.Starmap):F2}x");
    }

    [Fact]
    public void Balanced_should_keep_each_batch_short_on_huge_ranges()
    {
        var range = new NumberRange(0, 10_000_000_000);
        var options = new PlanOptions { Algorithm = Algorithm.Sieve, Workers = 2 };

        var plan = BatchPlanner.Plan(range, options);

        // The first batch is a full one, the costliest kind: the tail's batches are cheaper.
        var fullBatch = CostModel.EstimateSeconds(plan[0].Range, Algorithm.Sieve);
        Assert.True(plan.Count > 2 * PlanOptions.DefaultBatchesPerWorker);
        Assert.True(fullBatch <= options.MaxBatchDuration.TotalSeconds, $"{fullBatch:F3} s in a full batch");
        Assert.True(fullBatch > 0.9 * options.MaxBatchDuration.TotalSeconds, $"{fullBatch:F3} s in a full batch: more batches than needed");
    }

    [Fact]
    public void Plan_should_enumerate_millions_of_batches_lazily()
    {
        var plan = BatchPlanner.Plan(new NumberRange(0, 10_000_000_000_000), new PlanOptions { Batches = PlanOptions.MaxBatches });
        Assert.Equal(PlanOptions.MaxBatches, plan.Count);

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var expectedFrom = 0UL;
        var contiguous = 0L;
        foreach (var batch in plan.Take(2_000_000))
        {
            contiguous += batch.Range.From == expectedFrom ? 1 : 0;
            expectedFrom = batch.Range.Til + 1;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.Equal(2_000_000, contiguous);
        Assert.True(allocated < 64 * 1024, $"enumerating 2 million batches allocated {allocated} bytes");
    }

    [Fact]
    public void Plan_fingerprint_should_tell_plans_that_cut_a_range_elsewhere()
    {
        var range = new NumberRange(1, 1_000_000);
        var tapered = BatchPlanner.Plan(range, new PlanOptions { Workers = 2 });
        var again = BatchPlanner.Plan(range, new PlanOptions { Workers = 2 });
        var equal = BatchPlanner.Plan(range, new PlanOptions { Workers = 1, Batches = tapered.Count });

        Assert.Equal(tapered.Fingerprint, again.Fingerprint);
        Assert.Equal(tapered.Count, equal.Count);
        Assert.NotEqual(tapered.Fingerprint, equal.Fingerprint);
        Assert.NotEqual(tapered.Fingerprint, BatchPlanner.Plan(range, new PlanOptions { Workers = 2, Split = SplitStrategy.Starmap, Batches = tapered.Count }).Fingerprint);
    }

    [Fact]
    public void Plan_should_rebuild_any_batch_from_its_index_alone()
    {
        var plan = BatchPlanner.Plan(new NumberRange(1, 1_000_000), new PlanOptions { Batches = 777 });

        Assert.Equal(plan.ToList(), Enumerable.Range(0, 777).Select(i => plan[i]));
        Assert.Throws<ArgumentOutOfRangeException>(() => plan[777]);
    }

    [Fact]
    public void Plan_should_never_make_more_batches_than_numbers()
    {
        var plan = BatchPlanner.Plan(new NumberRange(10, 14), new PlanOptions { Batches = 1_000 });

        Assert.Equal(5, plan.Count);
        AssertCovers(new NumberRange(10, 14), plan);
    }

    [Theory]
    [InlineData(SplitStrategy.Balanced, null)]
    [InlineData(SplitStrategy.Balanced, 8L)]
    [InlineData(SplitStrategy.Starmap, null)]
    [InlineData(SplitStrategy.Starmap, 1_000L)]
    public void A_formula_job_should_be_one_batch_whatever_count_or_split_was_asked(SplitStrategy split, long? batches)
    {
        var range = new NumberRange(5, FormulaKernel.MaxTil);

        var plan = new PrimeCluster.Core.Execution.JobSpec(range, Algorithm.Formula, split, batches).Plan(workers: 16);

        Assert.Equal([new Batch(0, range)], plan);
    }

    [Fact]
    public void A_formula_job_with_two_ends_should_be_one_batch_per_end_where_the_runner_subtracts()
    {
        var range = new NumberRange(1_000_000_000_000, 2_000_000_000_000);
        var options = new PlanOptions { Algorithm = Algorithm.Formula, Workers = 2, SplitFormulaEnds = true };

        var plan = BatchPlanner.Plan(range, options);

        Assert.Equal([new Batch(0, new NumberRange(0, range.Til)), new Batch(1, new NumberRange(0, range.From - 1), Subtracted: true)], plan);
        Assert.True(plan.HasSubtractedBatches);
        Assert.Equal(plan[1], plan.Last());
        Assert.Equal("#1 minus [0, 999999999999]", plan[1].ToString());
        Assert.NotEqual(BatchPlanner.Plan(range, options with { SplitFormulaEnds = false }).Fingerprint, plan.Fingerprint);
    }

    [Theory]
    [InlineData(2UL, 2_000_000_000_000UL, 2, true)]
    [InlineData(1_000_000_000_000UL, 2_000_000_000_000UL, 1, true)]
    [InlineData(1_000_000_000_000UL, 1_000_000_001_000UL, 2, true)]
    [InlineData(1_000UL, 2_000_000_000_000UL, 2, true)]
    [InlineData(1_000_000_000_000UL, 2_000_000_000_000UL, 2, false)]
    public void A_formula_job_should_stay_one_batch_where_its_ends_are_not_worth_two(ulong from, ulong til, int workers, bool split)
    {
        // From 2 there is one F; one worker; a range narrow enough to sieve; a cheap F(from - 1); a runner that adds.
        var range = new NumberRange(from, til);

        var plan = BatchPlanner.Plan(range, new PlanOptions { Algorithm = Algorithm.Formula, Workers = workers, SplitFormulaEnds = split });

        Assert.Equal([new Batch(0, range)], plan);
        Assert.False(plan.HasSubtractedBatches);
    }

    [Fact]
    public void A_tally_balance_should_give_the_range_from_the_formulas_ends_in_either_order()
    {
        var range = new NumberRange(10_000_000_001, 30_000_000_000);
        var plan = BatchPlanner.Plan(range, new PlanOptions { Algorithm = Algorithm.Formula, Workers = 2, SplitFormulaEnds = true });
        var ends = plan.Select(batch => (Batch: batch, Tally: FormulaKernel.Instance.Count(batch.Range.From, batch.Range.Til))).ToList();

        var forwards = ends.Aggregate(default(TallyBalance), (balance, end) => balance.Add(end.Batch, end.Tally));
        var backwards = ends.AsEnumerable().Reverse().Aggregate(default(TallyBalance), (balance, end) => balance.Add(end.Batch, end.Tally));

        Assert.Equal(2, plan.Count);
        Assert.Equal(LucySieve.Count(range.Til, 2, default) - LucySieve.Count(range.From - 1, 2, default), forwards.Net);
        Assert.Equal(forwards, backwards);
    }

    [Fact]
    public void A_formula_job_beyond_the_formulas_top_should_be_refused()
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(
            () => BatchPlanner.Plan(new NumberRange(0, FormulaKernel.MaxTil + 1), new PlanOptions { Algorithm = Algorithm.Formula }));

        Assert.Contains(FormulaKernel.MaxTilText, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, 0L)]
    [InlineData(1, PlanOptions.MaxBatches + 1)]
    public void Plan_should_refuse_options_out_of_range(int workers, long? batches)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchPlanner.Plan(new NumberRange(0, 100), new PlanOptions { Workers = workers, Batches = batches }));
    }

    private static void AssertCovers(NumberRange range, BatchPlan plan)
    {
        if (plan.Count > 200_000)
        {
            AssertCoversSampled(range, plan);
            return;
        }

        var count = 0L;
        var next = (UInt128)range.From;
        foreach (var batch in plan)
        {
            Assert.Equal(count, batch.Index);
            Assert.Equal(next, batch.Range.From);
            next = (UInt128)batch.Range.Til + 1;
            count++;
        }

        Assert.Equal(plan.Count, count);
        Assert.Equal((UInt128)range.Til + 1, next);
    }

    /// <summary>Too many batches to walk: checks the two ends and random joints, each batch rebuilt from its index.</summary>
    private static void AssertCoversSampled(NumberRange range, BatchPlan plan)
    {
        Assert.Equal(range.From, plan[0].Range.From);
        Assert.Equal(range.Til, plan[plan.Count - 1].Range.Til);
        var random = new Random(5);
        var joints = Enumerable.Range(1, 1_000)
            .Select(i => (long)i)
            .Concat(Enumerable.Range(1, 1_000).Select(i => plan.Count - i))
            .Concat(Enumerable.Range(0, 1_000).Select(_ => random.NextInt64(1, plan.Count)));
        foreach (var i in joints)
        {
            Assert.Equal(plan[i - 1].Range.Til + 1, plan[i].Range.From);
        }
    }
}
