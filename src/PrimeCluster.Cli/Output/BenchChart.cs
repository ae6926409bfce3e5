using System.Globalization;
using System.Text;
using ScottPlot;
using ScottPlot.TickGenerators;
using SkiaSharp;

namespace PrimeCluster.Cli.Output;

/// <summary>One range of the benchmark, [1, <see cref="Til"/>]: how long it took, and how many checks a second that was.</summary>
public sealed record BenchPoint(ulong Til, double Milliseconds, double ChecksPerSecond);

/// <summary>One line of the chart: an implementation's points, range by range.</summary>
public sealed record BenchSeries(string Name, IReadOnlyList<BenchPoint> Points);

public enum ChartFormat
{
    Svg,
    Png,
}

/// <summary>
/// The article's comparison as a chart: milliseconds per range beside checks per second per range, one line per
/// series, under a heading. Both axes of both panels are logarithmic: the ranges span two orders of magnitude, and the
/// article's Python and PrimeCluster lie four or more apart.
/// </summary>
public static class BenchChart
{
    public const int Width = 1400;
    public const int Height = 650;
    private const float HeadingHeight = 70;

    /// <summary>Fonts to draw with, in order of preference; the first is what Skia falls back to elsewhere, a serif.</summary>
    private static readonly string[] SansFamilies = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"];

    private static readonly MarkerShape[] Markers =
        [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.FilledTriangleDown];

    public static string Extensions => ".svg or .png";

    /// <summary>The format a file name asks for by its extension, any case; null for any other.</summary>
    public static ChartFormat? FormatOf(string path) => Path.GetExtension(path).ToUpperInvariant() switch
    {
        ".SVG" => ChartFormat.Svg,
        ".PNG" => ChartFormat.Png,
        _ => null,
    };

    /// <summary>Draws the chart and writes it to <paramref name="path"/>, in the format its extension names.</summary>
    public static void Save(string path, string heading, IReadOnlyList<BenchSeries> series)
    {
        var format = FormatOf(path) ?? throw new ArgumentException($"A chart is written as {Extensions}, not '{path}'.", nameof(path));

        // Drawn whole before the file is opened, so that a chart that cannot be drawn leaves no file behind.
        File.WriteAllBytes(path, Render(format, heading, series));
    }

    public static byte[] Render(ChartFormat format, string heading, IReadOnlyList<BenchSeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var family = SansFamilies.FirstOrDefault(f => SKFontManager.Default.MatchFamily(f) is not null);
        var figure = Draw(heading, series, family);
        if (format == ChartFormat.Png)
        {
            using var image = figure.Render(Width, Height);
            return image.GetImageBytes(ImageFormat.Png, 100);
        }

        using var stream = new MemoryStream();
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, Height), stream))
        {
            figure.Render(canvas, new PixelRect(0, Width, Height, 0));
        }

        var svg = Encoding.UTF8.GetString(stream.ToArray());

        // Text in an SVG is set by the viewer's fonts at the positions measured here: where this font is missing, a
        // font of similar widths reads better than the viewer's default serif.
        return Encoding.UTF8.GetBytes(family is null ? svg : svg.Replace($"font-family=\"{family}\"", $"font-family=\"{family}, Verdana, sans-serif\"", StringComparison.Ordinal));
    }

    private static Multiplot Draw(string heading, IReadOnlyList<BenchSeries> series, string? family)
    {
        var top = new Plot();
        top.Axes.Frameless();
        top.HideGrid();
        top.Title(heading, 16);

        var time = Panel(series, "Time per range, lower is better", "milliseconds (log scale)", p => p.Milliseconds, Milliseconds);
        time.ShowLegend(Alignment.UpperLeft);
        var rate = Panel(series, "Checks per second, higher is better", "checks/s (log scale)", p => p.ChecksPerSecond, Metric);

        // One legend for both panels: the lines are in the same order, so of the same colours and markers.
        rate.HideLegend();
        if (family is not null)
        {
            top.Font.Set(family);
            time.Font.Set(family);
            rate.Font.Set(family);
        }

        var figure = new Multiplot(top) { Layout = new HeadingOverColumns(HeadingHeight) };
        figure.AddPlot(time);
        figure.AddPlot(rate);
        return figure;
    }

    /// <summary>One panel: a value of every series against the range, both on log scales.</summary>
    private static Plot Panel(IReadOnlyList<BenchSeries> series, string title, string unit, Func<BenchPoint, double> value, Func<double, string> label)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("N of the range [1, N] (log scale)");
        plot.YLabel(unit);
        for (var i = 0; i < series.Count; i++)
        {
            // Log scales have no room for zero: a point too fast to time is left out.
            var points = series[i].Points.Where(p => value(p) > 0).ToList();
            var line = plot.Add.Scatter(points.Select(p => Math.Log10(p.Til)).ToArray(), points.Select(p => Math.Log10(value(p))).ToArray());
            line.LegendText = series[i].Name;
            line.LineWidth = 2;
            line.MarkerSize = 8;
            line.MarkerShape = Markers[i % Markers.Length];
        }

        var drawn = series.SelectMany(s => s.Points).Where(p => value(p) > 0).ToList();
        if (drawn.Count == 0)
        {
            return plot;
        }

        // The ranges measured, and whole decades of the value with the values between them marked.
        var ranges = new NumericManual();
        foreach (var til in drawn.Select(p => p.Til).Distinct().Order())
        {
            ranges.AddMajor(Math.Log10(til), Metric(til));
        }

        plot.Axes.Bottom.TickGenerator = ranges;
        plot.Axes.Left.TickGenerator = new NumericAutomatic
        {
            IntegerTicksOnly = true,
            MinorTickGenerator = new LogMinorTickGenerator(),
            LabelFormatter = decade => label(Math.Pow(10, decade)),
        };

        var tils = drawn.Select(p => Math.Log10(p.Til)).ToList();
        var values = drawn.Select(p => Math.Log10(value(p))).ToList();
        plot.Axes.SetLimitsX(tils.Min() - 0.1, tils.Max() + 0.1);
        plot.Axes.SetLimitsY(Math.Floor(values.Min() - 0.05), Math.Ceiling(values.Max() + 0.05));
        return plot;
    }

    private static string Milliseconds(double ms) => ms.ToString("#,0.###", CultureInfo.InvariantCulture);

    /// <summary>A tick's value as the article writes them, without trailing zeros: 1K, 25K, 100M, 10G.</summary>
    private static string Metric(double value) => value switch
    {
        >= 1e12 => Digits(value / 1e12) + "T",
        >= 1e9 => Digits(value / 1e9) + "G",
        >= 1e6 => Digits(value / 1e6) + "M",
        >= 1e3 => Digits(value / 1e3) + "K",
        _ => Digits(value),
    };

    private static string Digits(double value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);

    /// <summary>The heading across the top, the panels side by side below it.</summary>
    private sealed class HeadingOverColumns(float headingHeight) : IMultiplotLayout
    {
        public PixelRect[] GetSubplotRectangles(SubplotCollection subplots, PixelRect figureRect)
        {
            var columns = subplots.Count - 1;
            var width = figureRect.Width / columns;
            var top = figureRect.Top + headingHeight;
            return
            [
                new PixelRect(figureRect.Left, figureRect.Right, top, figureRect.Top),
                .. Enumerable.Range(0, columns).Select(i => new PixelRect(figureRect.Left + (i * width), figureRect.Left + ((i + 1) * width), figureRect.Bottom, top)),
            ];
        }
    }
}
