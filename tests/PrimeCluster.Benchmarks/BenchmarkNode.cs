using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace PrimeCluster.Benchmarks;

internal sealed record JobFigures(double Checks, long Batches, double ElapsedSeconds);

/// <summary>The built node as a process of its own on loopback, with one worker actor, driven through its HTTP API.</summary>
internal sealed class BenchmarkNode : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    /// <summary>The node's DATA_DIR, deleted with it.</summary>
    private readonly string _dataDir;

    private BenchmarkNode(Process process, DateTimeOffset startedAt, string seed, Uri api, string dataDir)
    {
        _process = process;
        StartedAt = startedAt;
        _dataDir = dataDir;
        Seed = seed;
        _http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromMinutes(2) };
    }

    public string Seed { get; }

    /// <summary>The node's API.</summary>
    public HttpClient Http => _http;

    public int ProcessId => _process.Id;

    /// <summary>The clock just before the process was started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <param name="environment">Settings beyond roles, ports and seeds, as environment variables.</param>
    /// <param name="nodeDll">The build of the node to run; this one's unless given.</param>
    public static BenchmarkNode Start(string roles, string? seed, IReadOnlyDictionary<string, string>? environment = null, string? nodeDll = null)
    {
        var port = FreePort();
        var api = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(nodeDll ?? Path.Combine(AppContext.BaseDirectory, "primecluster-node.dll"));
        start.Environment["CLUSTER_ROLES"] = roles;
        start.Environment["CLUSTER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["API_URL"] = api.ToString().TrimEnd('/');
        start.Environment["WORKERS"] = "1";
        var dataDir = Path.Combine(Path.GetTempPath(), $"primecluster-bench-{Guid.NewGuid():N}");
        start.Environment["DATA_DIR"] = dataDir;
        if (seed is not null)
        {
            start.Environment["CLUSTER_SEEDS"] = seed;
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var startedAt = DateTimeOffset.UtcNow;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new BenchmarkNode(process, startedAt, seed ?? $"akka.tcp://primecluster@127.0.0.1:{port}", api, dataDir);
    }

    public async Task WaitForWorkersAsync(int count)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            try
            {
                using var cluster = JsonDocument.Parse(await _http.GetStringAsync("/cluster"));
                if (cluster.RootElement.GetProperty("totals").GetProperty("workers").GetInt32() >= count)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The workers did not register within a minute.");
    }

    /// <summary>Waits until the cluster has no member but this node, as after its workers have left.</summary>
    public async Task WaitForNoWorkersAsync()
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            using var cluster = JsonDocument.Parse(await _http.GetStringAsync("/cluster"));
            if (cluster.RootElement.GetProperty("totals").GetProperty("members").GetInt32() == 1)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The workers that left were still members a minute later.");
    }

    public async Task<JobFigures> RunJobAsync(string body)
    {
        var response = await _http.PostAsync("/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        using var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = accepted.RootElement.GetProperty("id").GetString();
        for (var attempt = 0; attempt < 1_200; attempt++)
        {
            using var job = JsonDocument.Parse(await _http.GetStringAsync($"/jobs/{id}"));
            var root = job.RootElement;
            if (root.GetProperty("state").GetString() == "done")
            {
                return new JobFigures(
                    double.Parse(root.GetProperty("check_count").GetRawText(), CultureInfo.InvariantCulture),
                    root.GetProperty("batches").GetInt64(),
                    root.GetProperty("elapsed_ms").GetDouble() / 1000);
            }

            // Seldom, to leave the cores to the nodes: the elapsed time is measured by the job itself.
            await Task.Delay(100);
        }

        throw new TimeoutException($"Job {id} did not finish within two minutes.");
    }

    public double ResidentMegabytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    /// <summary>The CPU time of the whole process so far, in seconds (to the 10 ms of the kernel's clock ticks).</summary>
    public double CpuSeconds()
    {
        // utime and stime, fields 14 and 15, follow the command name in parentheses.
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / 100;
    }

    /// <summary>
    /// The CPU time so far, in seconds to the nanosecond (schedstat), of the process's live threads whose name (as
    /// Linux keeps it: the first 15 characters) starts with <paramref name="prefix"/>.
    /// </summary>
    public double ThreadCpuSeconds(string prefix)
    {
        double seconds = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{_process.Id}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal))
                {
                    seconds += long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture) / 1e9;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The thread ended meanwhile.
            }
        }

        return seconds;
    }

    /// <summary>Stops the node as a supervisor does (SIGTERM): it leaves the cluster; false if it is still running after a minute.</summary>
    public async Task<bool> StopAsync()
    {
        if (!_process.HasExited && Kill(_process.Id, 15) != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    /// <summary>Bytes on disk under the node's data directory: its job journal, with its write-ahead log.</summary>
    public long JournalBytes() => Directory.Exists(_dataDir)
        ? new DirectoryInfo(_dataDir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
        : 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
