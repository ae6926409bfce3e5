using System.Globalization;

namespace PrimeCluster.Core;

/// <summary>How numbers and durations read in tables and messages.</summary>
public static class Format
{
    public static string Integer<T>(T value)
        where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    /// <summary>A count and its noun, singular for one: 1 worker, 2 workers; 1 batch, 3 batches with <paramref name="many"/>.</summary>
    public static string Count(long count, string one, string? many = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? one : many ?? one + "s")}");

    public static string Milliseconds(TimeSpan elapsed) => elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>A rate with a metric suffix, as the article writes them: 485M, 2.8G.</summary>
    public static string Rate(double perSecond) => Scaled(perSecond);

    /// <summary>A large count with a metric suffix: 3.71G, 55.3E.</summary>
    public static string Scaled(double value) => value switch
    {
        >= 1e21 => value.ToString("0.00e0", CultureInfo.InvariantCulture),
        >= 1e18 => Digits(value / 1e18, "E"),
        >= 1e15 => Digits(value / 1e15, "P"),
        >= 1e12 => Digits(value / 1e12, "T"),
        >= 1e9 => Digits(value / 1e9, "G"),
        >= 1e6 => Digits(value / 1e6, "M"),
        >= 1e3 => Digits(value / 1e3, "K"),
        _ => value.ToString("0", CultureInfo.InvariantCulture),
    };

    /// <summary>A duration people read at a glance: 850 ms, 12.4 s, 3 min 05 s, 2 h 10 min, 4.2 days, 3.1e6 years.</summary>
    public static string Duration(double seconds) => seconds switch
    {
        double.NaN or double.PositiveInfinity => "unknown",
        < 1 => $"{seconds * 1000:0} ms",
        < 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s"),
        < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 60)} min {(int)(seconds % 60):00} s"),
        < 86400 => string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 3600)} h {(int)(seconds % 3600 / 60):00} min"),
        < 86400 * 365.25 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 86400:0.0} days"),
        _ => $"{Scaled(seconds / (86400 * 365.25))} years",
    };

    private static string Digits(double value, string suffix) =>
        value.ToString(value >= 100 ? "0" : value >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture) + suffix;
}
