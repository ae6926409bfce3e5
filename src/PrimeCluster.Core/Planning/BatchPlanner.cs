namespace PrimeCluster.Core.Planning;

/// <summary>Cuts a range into contiguous batches whose union is the range, every number in exactly one batch.</summary>
public static class BatchPlanner
{
    /// <summary>Balanced batches shorter than this cost more to hand out than they save.</summary>
    private const double MinBatchSeconds = 0.001;

    public static BatchPlan Plan(NumberRange range, PlanOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options.Split switch
        {
            SplitStrategy.Starmap => PlanStarmap(range, options),
            SplitStrategy.Balanced => PlanBalanced(range, options),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Split, "unknown split strategy"),
        };
    }

    /// <summary>The article's split: ceil(width / k) numbers per batch, the last one ending at til.</summary>
    private static BatchPlan PlanStarmap(NumberRange range, PlanOptions options)
    {
        var k = (UInt128)(options.Batches ?? options.Workers);
        var chunk = (range.Width + k - 1) / k;
        var count = (range.Width + chunk - 1) / chunk;
        return new BatchPlan(range, options, (long)count, EqualWidthStarts(chunk));
    }

    /// <summary>Batches of equal estimated cost, several per worker and each short enough to cancel quickly.</summary>
    private static BatchPlan PlanBalanced(NumberRange range, PlanOptions options)
    {
        var curve = new CostCurve(range, CostModel.SecondsPerNumber(options.Algorithm, range));
        var count = options.Batches ?? AutomaticCount(curve.Total, options);
        count = (long)UInt128.Min((UInt128)count, range.Width);
        return new BatchPlan(range, options, count, BalancedStarts(curve, range.Width, count));
    }

    private static long AutomaticCount(double totalSeconds, PlanOptions options)
    {
        var forWorkers = (double)options.Workers * options.BatchesPerWorker;
        var forShortBatches = Math.Ceiling(totalSeconds / options.MaxBatchDuration.TotalSeconds);
        var worthHandingOut = Math.Max(1, Math.Floor(totalSeconds / MinBatchSeconds));
        return (long)Math.Min(Math.Min(Math.Max(forWorkers, forShortBatches), worthHandingOut), PlanOptions.MaxBatches);
    }

    private static Func<long, ulong> EqualWidthStarts(UInt128 chunk) => index => (ulong)(chunk * (ulong)index);

    /// <summary>
    /// Batch i starts i numbers plus a cost-weighted share of the other width - count numbers in: every batch
    /// gets one number of its own, and the starts rise strictly because the shares never fall.
    /// </summary>
    private static Func<long, ulong> BalancedStarts(CostCurve curve, UInt128 width, long count)
    {
        var spare = (double)(width - (ulong)count);
        var scale = spare / (double)width;
        var maxShare = (ulong)(width - (ulong)count);
        return index =>
        {
            var share = Math.Round(curve.OffsetAt(curve.Total * index / count) * scale);
            return (ulong)index + Math.Min((ulong)Math.Max(share, 0), maxShare);
        };
    }
}
