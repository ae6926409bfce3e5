using BenchmarkDotNet.Running;
using PrimeCluster.Benchmarks;

// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- --filter '*'   (BenchmarkDotNet: kernels and splits)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- --filter '*FormulaBenchmarks*'   (the formula, 10^9 to 10^13, one core and all)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- cluster        (node processes: scaling, coordinator, memory)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- cluster --tls both   (the same with TLS off and on, side by side)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- verify         (node processes: the CPU verification takes)
if (args is ["cluster", ..])
{
    bool[]? modes = args[1..] switch
    {
        [] or ["--tls", "off"] => [false],
        ["--tls", "on"] => [true],
        ["--tls", "both"] => [false, true],
        _ => null,
    };
    if (modes is null)
    {
        await Console.Error.WriteLineAsync("usage: cluster [--tls off|on|both]");
        return 2;
    }

    return await ClusterBenchmark.RunAsync(Console.Out, modes);
}

if (args is ["verify", ..])
{
    return await VerificationBenchmark.RunAsync(Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(ClusterBenchmark).Assembly).Run(args);
return 0;
