using BenchmarkDotNet.Running;
using PrimeCluster.Benchmarks;

// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- --filter '*'   (BenchmarkDotNet: kernels and splits)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- --filter '*FormulaBenchmarks*'   (the formula, 10^9 to 10^13, one core and all)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- --filter '*SerializerBenchmarks*'   (the wire form: time per message each way, and bytes)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- cluster        (node processes: scaling, coordinator, memory)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- cluster --tls both   (the same with TLS off and on, side by side)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- cluster --journal both   (the seed's job journal in memory and on disk, side by side)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- cluster --baseline OTHER/primecluster-node.dll   (this build beside another)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- verify         (node processes: the CPU verification takes)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- rest --baseline OTHER/primecluster-node.dll   (a node at rest, this build beside another)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- events         (node processes: how soon a job's progress reaches its stream)
if (args is ["cluster", ..])
{
    IReadOnlyList<ClusterSetup>? setups = args[1..] switch
    {
        [] or ["--tls", "off"] => ClusterBenchmark.WithTls([false]),
        ["--tls", "on"] => ClusterBenchmark.WithTls([true]),
        ["--tls", "both"] => ClusterBenchmark.WithTls([false, true]),
        ["--journal", "both"] => ClusterBenchmark.WithJournal(),
        ["--baseline", var dll] when File.Exists(dll) => ClusterBenchmark.AgainstBaseline(dll),
        _ => null,
    };
    if (setups is null)
    {
        await Console.Error.WriteLineAsync("usage: cluster [--tls off|on|both | --journal both | --baseline PATH/primecluster-node.dll]");
        return 2;
    }

    return await ClusterBenchmark.RunAsync(Console.Out, setups);
}

if (args is ["rest", ..])
{
    if (args is not ["rest", "--baseline", var baseline])
    {
        await Console.Error.WriteLineAsync("usage: rest --baseline PATH/primecluster-node.dll");
        return 2;
    }

    return await RestCostBenchmark.RunAsync(Console.Out, baseline);
}

if (args is ["events", ..])
{
    return await EventLatencyBenchmark.RunAsync(Console.Out);
}

if (args is ["verify", ..])
{
    return await VerificationBenchmark.RunAsync(Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(ClusterBenchmark).Assembly).Run(args);
return 0;
