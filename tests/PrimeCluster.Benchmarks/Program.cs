using BenchmarkDotNet.Running;
using PrimeCluster.Benchmarks;

// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- --filter '*'   (BenchmarkDotNet: kernels and splits)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- --filter '*FormulaBenchmarks*'   (the formula, 10^12 to 10^15, one core and all, beside Lucy's sieve to 10^13)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- formula [--powers 12,13,14,15] [--rounds N]
//     (the same alternating in one process, with CPU time and each row's peak memory from a process of its own)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- --filter '*SerializerBenchmarks*'   (the wire form: time per message each way, and bytes)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- cluster        (node processes: scaling, coordinator, memory)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- cluster --tls both   (the same with TLS off and on, side by side)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- cluster --journal both   (the seed's job journal in memory and on disk, side by side)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- cluster --baseline OTHER/primecluster-node.dll   (this build beside another)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- members [--sizes 10,25,50,100]
//     (clusters of in-process nodes over real remoting: time to all up, hand-out rate, a quarter leaving and a quarter dying)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- coordinator-sim [--workers 10,100,1000,10000] [--batches 100000000] [--hand-outs 10000000]
//     (the coordinator's WorkerPool and BatchLedger alone, driven by simulated workers on a fake clock: CPU and memory per hand-out as workers grow)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- verify         (node processes: the CPU verification takes)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- rest --baseline OTHER/primecluster-node.dll   (a node at rest, this build beside another)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- events         (node processes: how soon a job's progress reaches its stream)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- streams --baseline OTHER/primecluster-node.dll [--clients one|many] [--rounds N]
//     (800 event streams, 600 idle and 200 reading, during a 200,000-batch job: the seed's memory and /cluster, this build beside another)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- log-flood --baseline OTHER/primecluster-node.dll
//     (a TLS seed's log bytes per 1,000 bad connections of each kind, this build beside another)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- sieve-vs-primesieve [--til N] [--rounds N] [--cli PATH/primecluster.dll|PATH/primecluster] [--baseline OTHER/primecluster.dll|OTHER/primecluster]
//     (the sieve beside primesieve on one thread and two, alternating; build src/PrimeCluster.Cli in Release first)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- start --baseline OTHER/primecluster-node.dll [--node THIS/primecluster-node.dll] [--rounds N] [--settle SECONDS] [--env NAME=VALUE]...
//     (a worker process's start to its first counted batch, and seeds and workers at rest, this build beside another, alternating)
// dotnet run -c Release --project tests/PrimeCluster.Benchmarks -- seed-restart [--runs N]   (a lone seed SIGTERMed or SIGKILLed, taking turns, restarted: its workers back)
if (args is ["coordinator-sim", ..])
{
    var options = new Dictionary<string, string>();
    for (var i = 1; i + 1 < args.Length && args[i].StartsWith("--", StringComparison.Ordinal); i += 2)
    {
        options[args[i]] = args[i + 1];
    }

    var invariant = System.Globalization.CultureInfo.InvariantCulture;
    if (options.Keys.Except(["--workers", "--batches", "--hand-outs"]).Any() || args.Length % 2 == 0
        || !long.TryParse(options.GetValueOrDefault("--batches", "100000000"), invariant, out var planned) || planned < 1
        || !long.TryParse(options.GetValueOrDefault("--hand-outs", "10000000"), invariant, out var handOuts) || handOuts < 1
        || options.GetValueOrDefault("--workers", "10,100,1000,10000").Split(',') is var sizes && !sizes.All(w => int.TryParse(w, invariant, out var n) && n > 0))
    {
        await Console.Error.WriteLineAsync("usage: coordinator-sim [--workers 10,100,1000,10000] [--batches 100000000] [--hand-outs 10000000]");
        return 2;
    }

    return CoordinatorSimulation.Run(Console.Out, [.. sizes.Select(w => int.Parse(w, invariant))], planned, Math.Min(planned, handOuts));
}

if (args is ["members", ..])
{
    var invariant = System.Globalization.CultureInfo.InvariantCulture;
    if (args is not (["members"] or ["members", "--sizes", _]) || (args.Length == 3 ? args[2] : "10,25,50,100").Split(',') is var sizes
        && !sizes.All(m => int.TryParse(m, invariant, out var n) && n >= 4))
    {
        await Console.Error.WriteLineAsync("usage: members [--sizes 10,25,50,100]   (each size at least 4: a seed and workers, a quarter of them leaving and a quarter dying)");
        return 2;
    }

    return await MembersBenchmark.RunAsync(Console.Out, [.. sizes.Select(m => int.Parse(m, invariant))]);
}

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

if (args is ["start", ..])
{
    var options = new Dictionary<string, string>();
    var environment = new Dictionary<string, string>();
    var usable = args.Length % 2 == 1;
    for (var i = 1; usable && i + 1 < args.Length; i += 2)
    {
        if (args[i] == "--env" && args[i + 1].Split('=', 2) is [{ Length: > 0 } name, var value])
        {
            environment[name] = value;
        }
        else if (args[i] is "--baseline" or "--node" or "--rounds" or "--settle")
        {
            options[args[i]] = args[i + 1];
        }
        else
        {
            usable = false;
        }
    }

    var node = options.GetValueOrDefault("--node", Path.Combine(AppContext.BaseDirectory, "primecluster-node.dll"));
    if (!usable || !options.TryGetValue("--baseline", out var startBaseline) || !File.Exists(startBaseline) || !File.Exists(node)
        || !int.TryParse(options.GetValueOrDefault("--rounds", "10"), System.Globalization.CultureInfo.InvariantCulture, out var rounds) || rounds < 1
        || !int.TryParse(options.GetValueOrDefault("--settle", "30"), System.Globalization.CultureInfo.InvariantCulture, out var settle) || settle < 0)
    {
        await Console.Error.WriteLineAsync("usage: start --baseline OTHER/primecluster-node.dll [--node THIS/primecluster-node.dll] [--rounds N] [--settle SECONDS] [--env NAME=VALUE]...");
        return 2;
    }

    return await StartBenchmark.RunAsync(
        Console.Out,
        new StartBenchmark.Build("this", node, environment),
        new StartBenchmark.Build("baseline", startBaseline, new Dictionary<string, string>()),
        rounds,
        TimeSpan.FromSeconds(settle));
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

if (args is ["streams", ..])
{
    var options = new Dictionary<string, string>();
    for (var i = 1; i + 1 < args.Length && args[i].StartsWith("--", StringComparison.Ordinal); i += 2)
    {
        options[args[i]] = args[i + 1];
    }

    if (options.Keys.Except(["--baseline", "--clients", "--rounds"]).Any() || args.Length % 2 == 0
        || !options.TryGetValue("--baseline", out var streamsBaseline) || !File.Exists(streamsBaseline)
        || options.GetValueOrDefault("--clients", "many") is not ("one" or "many"))
    {
        await Console.Error.WriteLineAsync("usage: streams --baseline PATH/primecluster-node.dll [--clients one|many] [--rounds N]");
        return 2;
    }

    return await StreamLoadBenchmark.RunAsync(
        Console.Out,
        streamsBaseline,
        options.GetValueOrDefault("--clients") == "one",
        int.Parse(options.GetValueOrDefault("--rounds", "2"), System.Globalization.CultureInfo.InvariantCulture));
}

if (args is ["log-flood", ..])
{
    if (args is not ["log-flood", "--baseline", var floodBaseline] || !File.Exists(floodBaseline))
    {
        await Console.Error.WriteLineAsync("usage: log-flood --baseline PATH/primecluster-node.dll");
        return 2;
    }

    return await LogFloodBenchmark.RunAsync(Console.Out, floodBaseline);
}

if (args is ["events", ..])
{
    return await EventLatencyBenchmark.RunAsync(Console.Out);
}

if (args is ["sieve-vs-primesieve", ..])
{
    var options = new Dictionary<string, string>();
    for (var i = 1; i + 1 < args.Length && args[i].StartsWith("--", StringComparison.Ordinal); i += 2)
    {
        options[args[i]] = args[i + 1];
    }

    if (options.Keys.Except(["--til", "--rounds", "--cli", "--baseline"]).Any() || args.Length % 2 == 0)
    {
        await Console.Error.WriteLineAsync("usage: sieve-vs-primesieve [--til N] [--rounds N] [--cli PATH/primecluster.dll|PATH/primecluster] [--baseline OTHER/primecluster.dll|OTHER/primecluster]");
        return 2;
    }

    return SieveVersusPrimesieve.Run(
        Console.Out,
        ulong.Parse(options.GetValueOrDefault("--til", "1000000000"), System.Globalization.CultureInfo.InvariantCulture),
        int.Parse(options.GetValueOrDefault("--rounds", "5"), System.Globalization.CultureInfo.InvariantCulture),
        options.GetValueOrDefault("--cli") ?? SieveVersusPrimesieve.DefaultCli(),
        options.GetValueOrDefault("--baseline"));
}

if (args is ["formula", ..])
{
    var options = new Dictionary<string, string>();
    for (var i = 1; i + 1 < args.Length && args[i].StartsWith("--", StringComparison.Ordinal); i += 2)
    {
        options[args[i]] = args[i + 1];
    }

    if (options.Keys.Except(["--powers", "--rounds"]).Any() || args.Length % 2 == 0)
    {
        await Console.Error.WriteLineAsync("usage: formula [--powers 12,13,14,15] [--rounds N]");
        return 2;
    }

    return FormulaScaling.Run(
        Console.Out,
        options.GetValueOrDefault("--powers", "12,13,14,15").Split(',').Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToList(),
        int.Parse(options.GetValueOrDefault("--rounds", "3"), System.Globalization.CultureInfo.InvariantCulture));
}

if (args is ["formula-once", var kernel, var n, var cores])
{
    return FormulaScaling.Once(kernel, ulong.Parse(n, System.Globalization.CultureInfo.InvariantCulture), int.Parse(cores, System.Globalization.CultureInfo.InvariantCulture));
}

if (args is ["seed-restart", ..])
{
    var runs = 5;
    if (args is not (["seed-restart"] or ["seed-restart", "--runs", _]) || (args.Length == 3 && (!int.TryParse(args[2], System.Globalization.CultureInfo.InvariantCulture, out runs) || runs < 1)))
    {
        await Console.Error.WriteLineAsync("usage: seed-restart [--runs N]   (N >= 1, 5 by default)");
        return 2;
    }

    return await SeedRestartBenchmark.RunAsync(Console.Out, runs);
}

if (args is ["verify", ..])
{
    return await VerificationBenchmark.RunAsync(Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(ClusterBenchmark).Assembly).Run(args);
return 0;
