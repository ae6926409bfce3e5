using BenchmarkDotNet.Running;
using PrimeCluster.Benchmarks;

// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- --filter '*'   (BenchmarkDotNet: kernels and splits)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- cluster        (node processes: scaling, coordinator, memory)
if (args is ["cluster", ..])
{
    return await ClusterBenchmark.RunAsync(Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(ClusterBenchmark).Assembly).Run(args);
return 0;
