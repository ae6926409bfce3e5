using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace PrimeCluster.Node.Tests;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c> package) run by a spec: its own process, on a free loopback port,
/// with its storage in a temporary folder, whatever service of the machine's may run beside it. Queried through its
/// HTTP API; killed and its folder removed at the end.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output = new();

    private PrometheusServer(Process process, string directory, Uri api)
    {
        _process = process;
        _directory = directory;
        Http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(10) };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public HttpClient Http { get; }

    /// <summary>What it logged, for a spec that failed.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The prometheus binary on the PATH; a spec that needs it fails, saying how to install it, without it.</summary>
    public static string Binary =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "prometheus"))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("prometheus is not installed: this spec scrapes the nodes with a real one. Install Debian's: apt-get install -y prometheus (.ci/run does).");

    /// <summary>
    /// Starts <paramref name="binary"/> (<see cref="Binary"/>) with <paramref name="scrapeConfigs"/> (YAML, the
    /// <c>scrape_configs</c> list), scraping every second; returns once it is ready.
    /// </summary>
    public static async Task<PrometheusServer> StartAsync(string binary, string scrapeConfigs)
    {
        var directory = Directory.CreateTempSubdirectory("primecluster-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
            {scrapeConfigs}
            """);
        var port = FreePort();
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add($"--config.file={config}");
        start.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(directory, "data")}");
        start.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
        var server = new PrometheusServer(Process.Start(start)!, directory, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await server.WaitUntilReadyAsync();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>An instant query's samples: each series' labels and value.</summary>
    public async Task<IReadOnlyList<(JsonElement Labels, double Value)>> QueryAsync(string query)
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync($"/api/v1/query?query={Uri.EscapeDataString(query)}"));
        var data = document.RootElement.GetProperty("data");
        return [.. data.GetProperty("result").EnumerateArray().Select(sample => (
            sample.GetProperty("metric").Clone(),
            double.Parse(sample.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))];
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        Http.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await Http.GetAsync("/-/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"prometheus was not ready within 30 s:\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
