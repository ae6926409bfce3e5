using Akka.Configuration;

namespace PrimeCluster.Actors.Configuration;

/// <summary>The <c>primecluster</c> section of the configuration, read once per actor system.</summary>
public sealed record PrimeClusterSettings(
    int WorkersPerNode,
    int Prefetch,
    TimeSpan IdlePoll,
    int ComputeNice,
    int BatchesPerWorker,
    TimeSpan MaxBatchDuration,
    int MaxAttempts,
    TimeSpan ProgressInterval,
    TimeSpan CheckpointInterval,
    bool Checkpoints,
    bool BackupCopies,
    int History,
    TimeSpan ExactEstimateLimit,
    TimeSpan CostLimit,
    double TrialShare,
    double SieveShare,
    int MismatchesBeforeDown)
{
    public static PrimeClusterSettings From(Config config)
    {
        var section = config.GetConfig("primecluster") ?? throw new ConfigurationException("The primecluster section is missing.");
        var workers = section.GetInt("workers", 0);
        return new PrimeClusterSettings(
            WorkersPerNode: workers > 0 ? workers : Environment.ProcessorCount,
            Prefetch: PrefetchOf(section),
            IdlePoll: section.GetTimeSpan("worker.idle-poll", TimeSpan.FromSeconds(2)),
            ComputeNice: ComputeNiceOf(section),
            BatchesPerWorker: Math.Max(1, section.GetInt("jobs.batches-per-worker", 8)),
            MaxBatchDuration: section.GetTimeSpan("jobs.max-batch-duration", TimeSpan.FromMilliseconds(250)),
            MaxAttempts: Math.Max(1, section.GetInt("jobs.max-attempts", 3)),
            ProgressInterval: Interval(section, "jobs.progress-interval"),
            CheckpointInterval: Interval(section, "jobs.checkpoint-interval"),
            Checkpoints: section.GetBoolean("jobs.checkpoints", true),
            BackupCopies: section.GetBoolean("jobs.backup-copies", true),
            History: Math.Max(1, section.GetInt("jobs.history", 1000)),
            ExactEstimateLimit: section.GetTimeSpan("jobs.exact-estimate-limit", TimeSpan.FromSeconds(1)),
            CostLimit: section.GetTimeSpan("jobs.cost-limit", TimeSpan.FromHours(1)),
            TrialShare: Share(section, "verify.trial-share", 1.0),
            SieveShare: Share(section, "verify.sieve-share", 0.02),
            MismatchesBeforeDown: Math.Max(1, section.GetInt("verify.mismatches-before-down", 3)));
    }

    /// <summary>A positive duration with no default here: cluster.hocon, every node's base, gives it.</summary>
    private static TimeSpan Interval(Config section, string key)
    {
        TimeSpan interval;
        try
        {
            interval = section.HasPath(key) ? section.GetTimeSpan(key) : TimeSpan.Zero;
        }
        catch (FormatException)
        {
            interval = TimeSpan.Zero;
        }

        return interval > TimeSpan.Zero
            ? interval
            : throw new ConfigurationException($"primecluster.{key} must be a positive duration, such as 150ms.");
    }

    /// <summary>Batches a worker holds: at least one, and no more than one message names.</summary>
    private static int PrefetchOf(Config section)
    {
        var prefetch = section.GetInt("worker.prefetch", 2);
        return prefetch <= Messages.WorkProtocol.MaxBatchesPerMessage
            ? Math.Max(1, prefetch)
            : throw new ConfigurationException($"primecluster.worker.prefetch must be at most {Messages.WorkProtocol.MaxBatchesPerMessage}, got {prefetch}.");
    }

    /// <summary>Nice steps below the node's other threads that its kernels compute at: 0 (level) to 19 (lowest).</summary>
    private static int ComputeNiceOf(Config section)
    {
        var nice = section.GetInt("worker.nice", 10);
        return nice is >= 0 and <= 19 ? nice : throw new ConfigurationException($"primecluster.worker.nice must be from 0 to 19, got {nice}.");
    }

    private static double Share(Config section, string key, double fallback)
    {
        var share = section.GetDouble(key, fallback);
        return share is >= 0 and <= 1
            ? share
            : throw new ConfigurationException($"primecluster.{key} must be from 0 to 1, got {share.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
    }
}
