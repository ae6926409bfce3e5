using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Core.Planning;

/// <summary>Cuts a range into contiguous batches whose union is the range, every number in exactly one batch.</summary>
public static class BatchPlanner
{
    /// <summary>Balanced batches shorter than this cost more to hand out than they save.</summary>
    private const double MinBatchSeconds = 0.001;

    /// <summary>
    /// A balanced plan for several workers ends in this many rounds of one batch per worker, each round's batches half
    /// as costly as the round's before: whoever finishes first waits at most for a small batch, not a whole one.
    /// </summary>
    private const int TailRounds = 3;

    public static BatchPlan Plan(NumberRange range, PlanOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Algorithm == Algorithm.Formula)
        {
            return PlanFormula(range, options);
        }

        return options.Split switch
        {
            SplitStrategy.Starmap => PlanStarmap(range, options),
            SplitStrategy.Balanced => PlanBalanced(range, options),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Split, "unknown split strategy"),
        };
    }

    /// <summary>
    /// The formula counts a range as F(til) - F(from - 1), each F on every core of its machine: cut into batches, the
    /// range would cost one pair of F per batch. One batch, whatever count or split was asked; or, where the runner
    /// subtracts (<see cref="PlanOptions.SplitFormulaEnds"/>) and two workers can share them, one batch per F.
    /// </summary>
    private static BatchPlan PlanFormula(NumberRange range, PlanOptions options)
    {
        if (range.Til > FormulaKernel.MaxTil)
        {
            throw new ArgumentOutOfRangeException(nameof(range), range.Til, $"til must be at most {FormulaKernel.MaxTil} ({FormulaKernel.MaxTilText}) with the formula.");
        }

        // Both ends by the formula (no narrow range the kernel would sieve), and F(from - 1) worth a batch of its own.
        var below = range.From > 2 ? new NumberRange(0, range.From - 1) : default;
        if (options.SplitFormulaEnds && options.Workers >= 2 && range.From > 2
            && CostModel.EstimateSeconds(range, Algorithm.Formula) >= CostModel.FormulaSeconds(range)
            && CostModel.FormulaSeconds(below) >= MinBatchSeconds)
        {
            return new BatchPlan(range, options, [new Batch(0, new NumberRange(0, range.Til)), new Batch(1, below, Subtracted: true)]);
        }

        return new BatchPlan(range, options, 1, _ => 0);
    }

    /// <summary>The article's split: ceil(width / k) numbers per batch, the last one ending at til.</summary>
    private static BatchPlan PlanStarmap(NumberRange range, PlanOptions options)
    {
        var k = (UInt128)(options.Batches ?? options.Workers);
        var chunk = (range.Width + k - 1) / k;
        var count = (range.Width + chunk - 1) / chunk;
        return new BatchPlan(range, options, (long)count, EqualWidthStarts(chunk));
    }

    /// <summary>
    /// Batches of equal estimated cost, several per worker and each short enough to cancel quickly, but for a tail of
    /// ever cheaper ones when several workers share them.
    /// </summary>
    private static BatchPlan PlanBalanced(NumberRange range, PlanOptions options)
    {
        var curve = new CostCurve(range, CostModel.SecondsPerNumber(options.Algorithm, range));
        var count = options.Batches ?? AutomaticCount(curve.Total, options);
        count = (long)UInt128.Min((UInt128)count, range.Width);
        var shares = new CostShares(count, options.Workers);
        return new BatchPlan(range, options, count, BalancedStarts(curve, range.Width, count, shares));
    }

    private static long AutomaticCount(double totalSeconds, PlanOptions options)
    {
        var forWorkers = (double)options.Workers * options.BatchesPerWorker;

        // The tail's batches carry less than full ones; counting what they leave out keeps the full ones short too.
        var forShortBatches = Math.Ceiling((totalSeconds / options.MaxBatchDuration.TotalSeconds) + CostShares.TailShortfall(options.Workers));
        var worthHandingOut = Math.Max(1, Math.Floor(totalSeconds / MinBatchSeconds));
        return (long)Math.Min(Math.Min(Math.Max(forWorkers, forShortBatches), worthHandingOut), PlanOptions.MaxBatches);
    }

    private static Func<long, ulong> EqualWidthStarts(UInt128 chunk) => index => (ulong)(chunk * (ulong)index);

    /// <summary>
    /// Batch i starts i numbers plus a cost-weighted share of the other width - count numbers in: every batch
    /// gets one number of its own, and the starts rise strictly because the shares never fall.
    /// </summary>
    private static Func<long, ulong> BalancedStarts(CostCurve curve, UInt128 width, long count, CostShares shares)
    {
        var spare = (double)(width - (ulong)count);
        var scale = spare / (double)width;
        var maxShare = (ulong)(width - (ulong)count);
        return index =>
        {
            var share = Math.Round(curve.OffsetAt(curve.Total * shares.Before(index)) * scale);
            return (ulong)index + Math.Min((ulong)Math.Max(share, 0), maxShare);
        };
    }

    /// <summary>
    /// The fraction of a balanced plan's cost in its first batches: full batches weigh 1; with several workers and
    /// enough batches, the last <see cref="TailRounds"/> rounds of one batch per worker weigh 1/2, 1/4 and 1/8.
    /// </summary>
    private readonly struct CostShares
    {
        private readonly long _full;
        private readonly int _workers;
        private readonly double _total;

        public CostShares(long count, int workers)
        {
            var tail = workers > 1 && count >= 2L * TailRounds * workers ? TailRounds * workers : 0;
            _full = count - tail;
            _workers = workers;
            _total = WeightBefore(count);
        }

        /// <summary>How many full batches' worth of cost a tail leaves out: what keeps full batches short.</summary>
        public static double TailShortfall(int workers) => workers > 1 ? workers * (TailRounds - (1 - Math.Pow(0.5, TailRounds))) : 0;

        public double Before(long index) => WeightBefore(index) / _total;

        private double WeightBefore(long index)
        {
            if (index <= _full)
            {
                return index;
            }

            // Whole tail rounds r = 0 .. k-1 weigh workers / 2^(r+1) each; then part of round k.
            var intoTail = index - _full;
            var rounds = (int)(intoTail / _workers);
            var partial = intoTail % _workers;
            return _full + (_workers * (1 - Math.Pow(0.5, rounds))) + (partial * Math.Pow(0.5, rounds + 1));
        }
    }
}
