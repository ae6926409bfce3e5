using System.Diagnostics;
using PrimeCluster.Cli.Output;

namespace PrimeCluster.Cli.Tests;

public sealed class ShellWordSpecs
{
    [Theory]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080")]
    [InlineData("https://seed-2.example:8443/api", "https://seed-2.example:8443/api")]
    [InlineData("certs/ca.crt", "certs/ca.crt")]
    [InlineData("http://seed/?from=a&to=b", "'http://seed/?from=a&to=b'")]
    [InlineData("certs/cluster ca.crt", "'certs/cluster ca.crt'")]
    [InlineData("~/ca.crt", "'~/ca.crt'")]
    [InlineData("it's $HOME", "'it'\\''s $HOME'")]
    [InlineData("", "''")]
    public async Task A_word_should_be_quoted_only_when_needed_and_read_back_by_a_shell_as_it_was(string word, string expected)
    {
        var quoted = ShellWord.Quote(word);

        Assert.Equal(expected, quoted);
        Assert.Equal(word, await ThroughShellAsync(quoted));
    }

    /// <summary>What <c>sh</c> passes to a program for the word as written on its command line.</summary>
    private static async Task<string> ThroughShellAsync(string commandLineWord)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"printf %s {commandLineWord}");
        using var shell = Process.Start(start)!;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = await shell.StandardOutput.ReadToEndAsync(bound.Token);
        await shell.WaitForExitAsync(bound.Token);
        return output;
    }
}
