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

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        Testing.DotnetProcess.RunAsync(Testing.Binaries.Cli, new Dictionary<string, string>(), args);
}
