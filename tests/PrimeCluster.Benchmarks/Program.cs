using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
