namespace PrimeCluster.Core.Tests.Kernels;

/// <summary>Published values of the article's primecounter(from, til).</summary>
public static class KnownValues
{
    public static TheoryData<ulong, ulong, ulong, string> Small => new()
    {
        { 10, 20, 4, "60" },
        { 0, 500, 95, "22279" },
        { 1, 100_000, 9592, "455189150" },
        { 1, 200_000, 17984, "1711580852" },
    };

    public static TheoryData<ulong, ulong, ulong, string> Edges => new()
    {
        { 0, 0, 0, "0" },
        { 0, 1, 0, "0" },
        { 1, 1, 0, "0" },
        { 0, 2, 1, "0" },
        { 2, 2, 1, "0" },
        { 2, 3, 2, "1" },
        { 3, 3, 1, "1" },
        { 4, 4, 0, "1" },
        { 9, 9, 0, "2" },
        { 25, 25, 0, "4" },
        { 5, 4, 0, "0" },
        { ulong.MaxValue, 3, 0, "0" },
    };

    /// <summary>The last 64-bit number, beyond the formula's reach.</summary>
    public static TheoryData<ulong, ulong, ulong, string> Top => new()
    {
        { 18446744073709551615, 18446744073709551615, 0, "2" },
    };
}
