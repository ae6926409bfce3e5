using BenchmarkDotNet.Running;
using PrimeCluster.Benchmarks;

// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- --filter '*'   (BenchmarkDotNet: kernels and splits)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- cluster        (node processes: scaling, coordinator, memory)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- verify         (node processes: the CPU verification takes)
if (args is ["cluster", ..])
{
    return await ClusterBenchmark.RunAsync(Console.Out);
}

if (args is ["verify", ..])
{
    return await VerificationBenchmark.RunAsync(Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(ClusterBenchmark).Assembly).Run(args);
return 0;
