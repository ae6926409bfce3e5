namespace PrimeCluster.Core.Planning;

/// <summary>How to cut a range into batches.</summary>
public sealed record PlanOptions
{
    public const int DefaultBatchesPerWorker = 8;

    /// <summary>More batches than this would cost more to hand out than to compute.</summary>
    public const long MaxBatches = 100_000_000;

    /// <summary>The longest a balanced batch should take on one core, so that cancelling or leaving is quick.</summary>
    public static readonly TimeSpan DefaultMaxBatchDuration = TimeSpan.FromMilliseconds(250);

    public Algorithm Algorithm { get; init; } = Algorithm.Trial;

    public SplitStrategy Split { get; init; } = SplitStrategy.Balanced;

    /// <summary>Workers expected to share the batches; balanced plans make several batches per worker.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>An exact batch count (at most one batch per number); null lets the strategy choose.</summary>
    public long? Batches { get; init; }

    public int BatchesPerWorker { get; init; } = DefaultBatchesPerWorker;

    public TimeSpan MaxBatchDuration { get; init; } = DefaultMaxBatchDuration;

    /// <summary>
    /// Whether a formula job of [from, til] whose F(from - 1) costs something is planned as two batches for two
    /// workers at once: [0, til], and [0, from - 1] whose tally is taken away (<see cref="Batch.Subtracted"/>). Only
    /// for a runner that combines the batches that way (<see cref="TallyBalance"/>); otherwise the job is one batch.
    /// </summary>
    public bool SplitFormulaEnds { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (Workers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Workers), Workers, "workers must be at least 1.");
        }

        if (Batches is < 1 or > MaxBatches)
        {
            throw new ArgumentOutOfRangeException(nameof(Batches), Batches, $"batches must be from 1 to {MaxBatches}.");
        }

        if (BatchesPerWorker < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchesPerWorker), BatchesPerWorker, "batches per worker must be at least 1.");
        }

        if (MaxBatchDuration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchDuration), MaxBatchDuration, "the longest batch must take some time.");
        }
    }
}
