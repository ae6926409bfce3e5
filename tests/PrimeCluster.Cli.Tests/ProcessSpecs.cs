using System.Diagnostics;
using PrimeCluster.Cli.Commands;

namespace PrimeCluster.Cli.Tests;

/// <summary>The built <c>primecluster</c> executable, run as a user would.</summary>
public sealed class ProcessSpecs
{
    [Fact]
    public async Task Executable_should_count_and_exit_0()
    {
        var (exitCode, stdout, stderr) = await RunAsync("run", "0", "500", "--json");

        Assert.Equal(ExitCodes.Done, exitCode);
        Assert.Contains("\"prime_count\":95", stdout, StringComparison.Ordinal);
        Assert.Contains("\"check_count\":22279", stdout, StringComparison.Ordinal);
        Assert.Empty(stderr);
    }

    [Fact]
    public async Task Executable_should_exit_2_on_bad_input_with_nothing_on_stdout()
    {
        var (exitCode, stdout, stderr) = await RunAsync("run", "-1", "10");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Empty(stdout);
        Assert.Equal("primecluster: FROM must not be negative, got -1.", stderr.Trim());
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var assembly = Testing.Binaries.Cli;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
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
