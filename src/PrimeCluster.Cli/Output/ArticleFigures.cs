namespace PrimeCluster.Cli.Output;

/// <summary>
/// The figures the article published for its Python and Rust <c>primecounter</c>, drawn beside PrimeCluster's by
/// <c>bench --chart</c>. They were measured on the article's machine, not this one, and are drawn as published.
/// </summary>
public static class ArticleFigures
{
    /// <summary>
    /// The article's section 6, "Benchmark Rust vs Python functions": its table of range, Py ms, py e/sec, rs ms and
    /// rs e/sec, one point per row, exactly as printed there (17.6M is 17.6e6 checks/s).
    /// </summary>
    public static IReadOnlyList<BenchSeries> Series { get; } =
    [
        new("Python (article)",
        [
            new(1_000, 4, 17.6e6),
            new(10_000, 310, 18.6e6),
            new(25_000, 1754, 18.5e6),
            new(50_000, 6456, 18.8e6),
            new(75_000, 14019, 18.7e6),
            new(100_000, 24194, 18.8e6),
        ]),
        new("Rust (article)",
        [
            new(1_000, 0.19, 417e6),
            new(10_000, 12, 481e6),
            new(25_000, 66, 489e6),
            new(50_000, 248, 488e6),
            new(75_000, 519, 505e6),
            new(100_000, 937, 485e6),
        ]),
    ];
}
