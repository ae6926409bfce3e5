using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace PrimeCluster.Testing;

/// <summary>The built primecluster-node, run as its own process with the environment a user would give it.</summary>
public sealed partial class NodeProcess : IDisposable
{
    private static readonly HashSet<int> HandedOut = [];

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    /// <summary>Whether this process deletes <see cref="DataDir"/> when disposed: the last one started on it does.</summary>
    private bool _ownsDataDir;

    private NodeProcess(Process process, int clusterPort, Uri api, HttpMessageHandler? handler, string dataDir, bool ownsDataDir)
    {
        _process = process;
        ClusterPort = clusterPort;
        Api = api;
        DataDir = dataDir;
        _ownsDataDir = ownsDataDir;
        Http = new HttpClient(handler ?? new SocketsHttpHandler()) { BaseAddress = api, Timeout = TimeSpan.FromSeconds(10) };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int ClusterPort { get; }

    public Uri Api { get; }

    public HttpClient Http { get; }

    /// <summary>Where a seed keeps its job journal (DATA_DIR): a directory of its own, kept for a restart of it.</summary>
    public string DataDir { get; }

    /// <summary>The node's address as a seed; a node with TLS speaks akka.ssl.tcp whichever of the two its seeds are written in.</summary>
    public string Address => $"akka.tcp://primecluster@127.0.0.1:{ClusterPort}";

    public bool HasExited => _process.HasExited;

    /// <summary>The process's resident memory now (VmRSS) and at its peak so far (VmHWM), in bytes.</summary>
    public (long Now, long Peak) ResidentBytes()
    {
        var status = File.ReadAllLines($"/proc/{_process.Id}/status");
        long Field(string name) => long.Parse(status.Single(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
        return (Field("VmRSS:"), Field("VmHWM:"));
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>What the node said, headed by its port and how it ended, for a spec that failed.</summary>
    public string Report => $"--- node on port {ClusterPort}{(HasExited ? $" exited with {ExitCode}" : string.Empty)}:\n{Output}";

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

    /// <summary>
    /// Starts the node at free ports with a data directory of its own, or at the ports and on the data directory of a
    /// node that was there before (a restart). DATA_DIR in <paramref name="environment"/> wins; that one is the caller's.
    /// </summary>
    /// <param name="https">Serve the API over https (the node's TLS_CERT), checked by <paramref name="handler"/>.</param>
    /// <param name="assembly">The primecluster-node.dll of another build; this build's by default.</param>
    /// <param name="clusterPort">The cluster port, when the caller chose it (<see cref="FreePort"/>); else a free one, or the restarted node's.</param>
    public static NodeProcess Start(IReadOnlyDictionary<string, string> environment, bool https = false, HttpMessageHandler? handler = null, NodeProcess? restartOf = null, string? assembly = null, int? clusterPort = null)
    {
        var port = clusterPort ?? restartOf?.ClusterPort ?? FreePort();
        var api = new Uri($"{(https ? "https" : "http")}://127.0.0.1:{restartOf?.Api.Port ?? FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly ?? Binaries.Node);
        start.Environment["CLUSTER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["API_URL"] = api.ToString().TrimEnd('/');
        var dataDir = restartOf?.DataDir ?? Path.Combine(Path.GetTempPath(), $"primecluster-data-{Guid.NewGuid():N}");
        start.Environment["DATA_DIR"] = dataDir;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var owns = !environment.ContainsKey("DATA_DIR");
        if (restartOf is not null)
        {
            owns &= restartOf._ownsDataDir;
            restartOf._ownsDataDir = false;
        }

        return new NodeProcess(Process.Start(start)!, port, api, handler, environment.GetValueOrDefault("DATA_DIR", dataDir), owns);
    }

    /// <summary>
    /// Runs the node with arguments and waits for it to exit, for at most 30 seconds; with a data directory of its own,
    /// deleted after, unless <paramref name="environment"/> gives DATA_DIR.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        if (environment.ContainsKey("DATA_DIR"))
        {
            return await DotnetProcess.RunAsync(Binaries.Node, environment, args);
        }

        var dataDir = Path.Combine(Path.GetTempPath(), $"primecluster-data-{Guid.NewGuid():N}");
        try
        {
            return await DotnetProcess.RunAsync(Binaries.Node, new Dictionary<string, string>(environment) { ["DATA_DIR"] = dataDir }, args);
        }
        finally
        {
            if (Directory.Exists(dataDir))
            {
                Directory.Delete(dataDir, recursive: true);
            }
        }
    }

    /// <summary>
    /// As if the machine lost power: no shutdown, no leaving. SIGKILL to the node itself, at once: the node starts no
    /// processes, and walking the process tree first takes long enough on a busy machine to spread kills meant together.
    /// </summary>
    public void KillHard() => Signal(9, "KILL");

    /// <summary>What docker stop and Ctrl+C send: the node leaves the cluster gracefully.</summary>
    public void Terminate() => Signal(15, "TERM");

    /// <summary>SIGSTOP: the process freezes, as a node does in a long pause (a VM migrated, a swap storm).</summary>
    public void Pause() => Signal(19, "STOP");

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume() => Signal(18, "CONT");

    private void Signal(int signal, string name)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill -{name} {_process.Id} failed: {Marshal.GetLastPInvokeError()}");
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // A paused process does not die of SIGKILL until it runs again on some kernels' terms; wake it first.
            Kill(_process.Id, 18);
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        Http.Dispose();
        _process.Dispose();
        if (_ownsDataDir && Directory.Exists(DataDir))
        {
            Directory.Delete(DataDir, recursive: true);
        }
    }

    /// <summary>
    /// A port free now, and never one handed out before in this process: a port is only reserved once its node binds
    /// it, so the kernel may offer a port again that a node started a moment ago has not bound yet.
    /// </summary>
    public static int FreePort()
    {
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < 100; attempt++)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }

            throw new InvalidOperationException("No port free that was not handed out before, in 100 attempts.");
        }
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

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
