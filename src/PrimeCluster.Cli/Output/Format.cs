using System.Globalization;

namespace PrimeCluster.Cli.Output;

/// <summary>How numbers read in tables.</summary>
public static class Format
{
    public static string Integer<T>(T value)
        where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    public static string Milliseconds(TimeSpan elapsed) => elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>A rate with a metric suffix, as the article writes them: 485M, 2.8G.</summary>
    public static string Rate(double perSecond) => perSecond switch
    {
        >= 1e21 => perSecond.ToString("0.00e0", CultureInfo.InvariantCulture),
        >= 1e18 => Scaled(perSecond / 1e18, "E"),
        >= 1e15 => Scaled(perSecond / 1e15, "P"),
        >= 1e12 => Scaled(perSecond / 1e12, "T"),
        >= 1e9 => Scaled(perSecond / 1e9, "G"),
        >= 1e6 => Scaled(perSecond / 1e6, "M"),
        >= 1e3 => Scaled(perSecond / 1e3, "K"),
        _ => perSecond.ToString("0", CultureInfo.InvariantCulture),
    };

    private static string Scaled(double value, string suffix) =>
        value.ToString(value >= 100 ? "0" : value >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture) + suffix;
}
