using System.Diagnostics;
using System.Globalization;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Benchmarks;

/// <summary>
/// F(10^k), the tally of [0, 10^k], by the formula's kernel (Deleglise-Rivat) on one core and on every core, beside
/// Lucy's sieve, the kernel before it, where it applied (up to its old top, 10^13): each row once a round, alternating,
/// so that all meet the same load on a shared machine. Wall time and this process's CPU time per F; then each row's
/// peak resident memory, from a process of its own that computes F once.
/// </summary>
public static class FormulaScaling
{
    private const ulong LucyTop = 10_000_000_000_000;

    private sealed record Row(string Kernel, int Cores, ulong N);

    public static int Run(TextWriter report, IReadOnlyList<int> powers, int rounds)
    {
        ArgumentNullException.ThrowIfNull(report);
        var cores = new[] { 1, Environment.ProcessorCount }.Distinct().ToList();
        var rows = (
            from power in powers
            let n = (ulong)Math.Pow(10, power)
            from kernel in n <= LucyTop ? new[] { "deleglise-rivat", "lucy" } : ["deleglise-rivat"]
            from c in cores
            select new Row(kernel, c, n)).ToList();

        // Once before the rounds: the code compiled, the base primes cached.
        foreach (var row in rows.DistinctBy(row => row.Kernel))
        {
            Tally(row.Kernel, 1_000_000_000, 1);
        }

        var loadBefore = LoadAverage();
        var times = rows.ToDictionary(row => row, _ => new List<(double Wall, double Cpu)>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var row in rows)
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                Tally(row.Kernel, row.N, row.Cores);
                times[row].Add((clock.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds));
            }
        }

        var loadAfter = LoadAverage();
        report.WriteLine(Inv($"F(10^k), {rounds} rounds, each row once a round in this order; 1-minute load {loadBefore} before, {loadAfter} after; {Environment.ProcessorCount} cores"));
        report.WriteLine(Inv($"{"n",-6} {"kernel",-16} {"cores",5} {"median s",9} {"min s",8} {"max s",8} {"cpu s",8} {"peak MB",8}"));
        foreach (var row in rows)
        {
            var wall = times[row].Select(t => t.Wall).ToList();
            var cpu = Median(times[row].Select(t => t.Cpu).ToList());
            report.WriteLine(Inv($"10^{Math.Log10(row.N),-3:F0} {row.Kernel,-16} {row.Cores,5} {Median(wall),9:F3} {wall.Min(),8:F3} {wall.Max(),8:F3} {cpu,8:F3} {PeakMegabytes(row),8:F0}"));
        }

        report.WriteLine(Inv($"a process that computes F(10^3) once peaks at {PeakMegabytes(new Row("deleglise-rivat", 1, 1_000)):F0} MB"));
        return 0;
    }

    /// <summary>In a process of its own: F(n) once, then the process's peak resident memory (VmHWM) on stdout, in kB.</summary>
    public static int Once(string kernel, ulong n, int cores)
    {
        Tally(kernel, n, cores);
        var peak = File.ReadLines("/proc/self/status").Single(line => line.StartsWith("VmHWM:", StringComparison.Ordinal));
        Console.WriteLine(peak["VmHWM:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim());
        return 0;
    }

    private static Tally Tally(string kernel, ulong n, int cores) => kernel switch
    {
        "lucy" => LucySieve.Count(n, cores, default),
        "deleglise-rivat" => new FormulaKernel(cores).Count(0, n),
        _ => throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "deleglise-rivat or lucy"),
    };

    private static double PeakMegabytes(Row row)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var argument in new[] { typeof(FormulaScaling).Assembly.Location, "formula-once", row.Kernel, row.N.ToString(CultureInfo.InvariantCulture), row.Cores.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"F({row.N}) took over 10 minutes");
        }

        return double.Parse(output.Trim(), CultureInfo.InvariantCulture) / 1024;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
