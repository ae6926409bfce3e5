using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Benchmarks;

/// <summary>
/// The sieve beside primesieve (the Debian package), on one thread and on two, alternating within each round so that
/// both meet the same load on a shared machine: primesieve's own time (its --time, process start excluded), the sieve
/// kernel in this process, and the job time of <c>primecluster run 0 TIL --algorithm sieve --workers 1|2</c> (the
/// job as its result reports it, the embedded cluster's start excluded), for this build and optionally another; for
/// primesieve and the kernel also the CPU time, which a loaded machine stretches less than the time.
/// </summary>
public static class SieveVersusPrimesieve
{
    /// <summary>A row's time, and its CPU time where that measures the same work (primesieve's process, the kernel's call).</summary>
    private sealed record Timing(double Seconds, double? CpuSeconds = null);

    private sealed record Row(string Name, int Threads, Func<Timing> Measure);

    public static int Run(TextWriter report, ulong til, int rounds, string cli, string? baselineCli)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!File.Exists(cli))
        {
            report.WriteLine($"no primecluster at {cli}: dotnet build src/PrimeCluster.Cli -c Release, or pass --cli PATH/primecluster.dll");
            return 2;
        }

        var rows = new List<Row>
        {
            new("primesieve -t1", 1, () => Primesieve(til, 1)),
            new("sieve kernel, this process", 1, () => Kernel(til)),
            new("run --workers 1", 1, () => new(RunJob(cli, til, 1))),
            new("primesieve -t2", 2, () => Primesieve(til, 2)),
            new("bare threads, run's batches", 2, () => new(KernelOnThreads(til, 2))),
            new("run --workers 2", 2, () => new(RunJob(cli, til, 2))),
        };
        if (baselineCli is not null)
        {
            rows.Insert(3, new("baseline: run --workers 1", 1, () => new(RunJob(baselineCli, til, 1))));
            rows.Add(new("baseline: run --workers 2", 2, () => new(RunJob(baselineCli, til, 2))));
        }

        // Once before the rounds: the kernel's base primes and patterns, and the file cache of both programs.
        Kernel(til);
        RunJob(cli, 1_000_000, 1);
        var loadBefore = LoadAverage();
        var timings = rows.ToDictionary(row => row, _ => new List<Timing>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var row in rows)
            {
                timings[row].Add(row.Measure());
            }
        }

        var reference = rows.Where(row => row.Name.StartsWith("primesieve", StringComparison.Ordinal)).ToDictionary(row => row.Threads, row => Median(timings[row].Select(t => t.Seconds)));
        report.WriteLine(Inv($"[0, {til}], {rounds} rounds, each row once a round in this order; 1-minute load {loadBefore} before, {LoadAverage()} after"));
        report.WriteLine(Inv($"{"",-28} {"threads",7} {"median ms",10} {"min ms",8} {"max ms",8} {"x primesieve",13} {"median CPU ms",14}"));
        foreach (var row in rows)
        {
            var seconds = timings[row].Select(t => t.Seconds).ToList();
            var cpu = timings[row].All(t => t.CpuSeconds is not null) ? Inv($"{Median(timings[row].Select(t => t.CpuSeconds!.Value)) * 1e3,14:F1}") : $"{"",14}";
            report.WriteLine(Inv($"{row.Name,-28} {row.Threads,7} {Median(seconds) * 1e3,10:F1} {seconds.Min() * 1e3,8:F1} {seconds.Max() * 1e3,8:F1} {Median(seconds) / reference[row.Threads],13:F2} {cpu}"));
        }

        return 0;
    }

    /// <summary>This repository's CLI as built in Release, found from the benchmark's own output folder.</summary>
    public static string DefaultCli()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var cli = Path.Combine(folder.FullName, "src", "PrimeCluster.Cli", "bin", "Release", "net10.0", "primecluster.dll");
            if (File.Exists(cli))
            {
                return cli;
            }
        }

        return "src/PrimeCluster.Cli/bin/Release/net10.0/primecluster.dll";
    }

    /// <summary>The kernel's call, with the process's CPU time over it (the benchmark's other threads are idle then).</summary>
    private static Timing Kernel(ulong til)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        _ = SieveKernel.Instance.Count(0, til);
        var seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        return new(seconds, (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    /// <summary>
    /// The machine's own ceiling for the job on <paramref name="threads"/> threads: the batches run plans for as many
    /// workers, pulled by bare threads from one shared plan (<see cref="LocalJobRunner"/>), no actors.
    /// </summary>
    private static double KernelOnThreads(ulong til, int threads) =>
        new LocalJobRunner(threads).RunAsync(new JobSpec(new NumberRange(0, til), Algorithm.Sieve)).GetAwaiter().GetResult().Elapsed.TotalSeconds;

    /// <summary>primesieve's own time (its --time, process start excluded), with its process's CPU time (start included).</summary>
    private static Timing Primesieve(ulong til, int threads)
    {
        var (output, cpu) = CaptureWithCpu("primesieve", [til.ToString(CultureInfo.InvariantCulture), "-t", threads.ToString(CultureInfo.InvariantCulture), "--time", "--no-status"]);
        var line = output.Split('\n').Single(l => l.StartsWith("Seconds:", StringComparison.Ordinal));
        return new(double.Parse(line["Seconds:".Length..], CultureInfo.InvariantCulture), cpu);
    }

    private static double RunJob(string cli, ulong til, int workers)
    {
        string[] arguments = ["run", "0", til.ToString(CultureInfo.InvariantCulture), "--algorithm", "sieve", "--workers", workers.ToString(CultureInfo.InvariantCulture), "--json"];

        // An assembly runs on dotnet; a natively compiled client is a program of its own.
        var output = cli.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? Capture("dotnet", [cli, .. arguments]) : Capture(cli, arguments);
        using var result = JsonDocument.Parse(output);
        return result.RootElement.GetProperty("elapsed_ms").GetDouble() / 1e3;
    }

    private static string Capture(string program, IEnumerable<string> arguments) => CaptureWithCpu(program, arguments).Output;

    /// <summary>The program's output and its CPU time: what the children this process has waited for used, before and after.</summary>
    private static (string Output, double CpuSeconds) CaptureWithCpu(string program, IEnumerable<string> arguments)
    {
        var cpuBefore = ChildrenCpuSeconds();
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} took over 2 minutes");
        }

        return process.ExitCode == 0 ? (output, ChildrenCpuSeconds() - cpuBefore) : throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {error.Result}");
    }

    /// <summary>User and system time of the children this process has waited for (getrusage RUSAGE_CHILDREN; 0 off Linux).</summary>
    private static double ChildrenCpuSeconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var usage = new long[18];
        return GetResourceUsage(-1, usage) == 0 ? usage[0] + (usage[1] / 1e6) + usage[2] + (usage[3] / 1e6) : 0;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetResourceUsage(int who, long[] usage);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
