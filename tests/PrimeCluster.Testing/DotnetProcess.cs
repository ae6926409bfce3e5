using System.Diagnostics;

namespace PrimeCluster.Testing;

/// <summary>Runs a built .NET program, or any program, to its end, as a user would from a shell, for a bounded time.</summary>
public static class DotnetProcess
{
    /// <summary>Runs <paramref name="assembly"/> with dotnet for at most 30 seconds.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string assembly, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunProgramAsync("dotnet", [assembly, .. args], environment, TimeSpan.FromSeconds(30));

    /// <summary>Runs <paramref name="program"/> for at most <paramref name="bound"/>; past it, the program is killed and the wait cancelled.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunProgramAsync(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, TimeSpan bound)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
