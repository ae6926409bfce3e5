using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace PrimeCluster.Benchmarks;

/// <summary>Few but long iterations: each operation runs for tenths of a second or more.</summary>
public sealed class KernelConfig : ManualConfig
{
    public KernelConfig()
    {
        AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(10));
        AddColumn(new ChecksPerSecondColumn());
    }
}
