using PrimeCluster.Cli.Output;

namespace PrimeCluster.Cli.Tests;

public sealed class ResultReportSpecs
{
    private static readonly ResultReport Trial = new(1, 100_000, "trial", "balanced", 2, 16, 9592, 455_189_150, 20, 22_759_457_500);

    /// <summary>[1, 1000000] in 0.5 ms: 2G numbers a second; the check count is derived, not performed.</summary>
    private static readonly ResultReport Sieve = new(1, 1_000_000, "sieve", "balanced", 2, 2, 78498, 37_566_404_991, 0.5, 75_132_809_982_000);

    [Fact]
    public void A_table_of_both_algorithms_should_give_each_row_its_own_unit()
    {
        var lines = Write(Trial, Sieve);

        Assert.EndsWith("  rate", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("  22.8G checks/s", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("  2.00G numbers/s", lines[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sieve")]
    [InlineData("formula")]
    public void A_row_of_an_algorithm_that_derives_its_checks_should_be_headed_numbers_per_second(string algorithm)
    {
        var lines = Write(Sieve with { Algorithm = algorithm });

        Assert.EndsWith("  numbers/s", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("  2.00G", lines[1], StringComparison.Ordinal);
    }

    private static string[] Write(params ResultReport[] reports)
    {
        using var writer = new StringWriter();
        ResultReport.WriteTable(writer, reports);
        return writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
