namespace PrimeCluster.Node.Tests;

public sealed class NodeCommandLineSpecs
{
    [Theory]
    [InlineData(new[] { "--data-dir", "/from/flag" }, "/from/environment", "/from/flag")]
    [InlineData(new string[0], "/from/environment", "/from/environment")]
    [InlineData(new string[0], null, null)]
    public void The_data_directory_flag_should_win_over_DATA_DIR(string[] args, string? variable, string? expected)
    {
        var environment = new Dictionary<string, string?> { ["DATA_DIR"] = variable };

        var (settings, _, exitCode) = NodeCommandLine.Parse(args, environment.GetValueOrDefault, TextWriter.Null, TextWriter.Null);

        Assert.Equal(0, exitCode);
        Assert.Equal(expected, settings!.DataDir);
    }
}
