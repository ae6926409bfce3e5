using System.Xml.Linq;
using PrimeCluster.Cli.Commands;
using PrimeCluster.Cli.Output;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Cli.Tests;

/// <summary><c>bench --chart</c> on an embedded cluster, and the chart drawn from fixed numbers.</summary>
public sealed class BenchChartSpecs : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("primecluster-chart-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Bench_with_an_svg_chart_should_draw_the_article_and_one_worker_and_all_workers()
    {
        var path = Path.Combine(_folder.FullName, "bench.svg");

        var run = await CliRun.InvokeAsync("bench", "--embedded", "--workers", "2", "--repeat", "1", "--chart", path);

        Assert.Equal(ExitCodes.Done, run.ExitCode);
        Assert.Contains("bench: --chart runs the table twice, on an embedded cluster of 1 worker, then of 2 workers", run.Error, StringComparison.Ordinal);
        Assert.EndsWith($"bench: chart written to {path}\n", run.Error, StringComparison.Ordinal);
        var rows = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..].Select(r => r.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(["1", "1", "1", "1", "1", "1", "2", "2", "2", "2", "2", "2"], rows.Select(r => r[2]));
        var texts = SvgTexts(XDocument.Load(path));
        Assert.Contains("Python (article)", texts);
        Assert.Contains("Rust (article)", texts);
        Assert.Contains("PrimeCluster, 1 worker", texts);
        Assert.Contains("PrimeCluster, 2 workers", texts);
        Assert.Contains(texts, t => t.Contains($"on this machine's {Format.Count(Environment.ProcessorCount, "core")}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bench_with_a_png_chart_and_one_worker_should_run_the_table_once_and_write_a_png()
    {
        var path = Path.Combine(_folder.FullName, "bench.PNG");

        var run = await CliRun.InvokeAsync("bench", "--embedded", "--workers", "1", "--repeat", "1", "--chart", path);

        Assert.Equal(ExitCodes.Done, run.ExitCode);
        Assert.DoesNotContain("twice", run.Error, StringComparison.Ordinal);
        Assert.Equal(7, run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var png = await File.ReadAllBytesAsync(path);
        Assert.Equal(PngSignature, png[..PngSignature.Length]);
        Assert.True(png.Length > 20_000, $"a PNG of {png.Length} bytes holds no chart");
    }

    [Theory]
    [InlineData("bench.pdf", "--embedded")]
    [InlineData("bench", "--embedded")]
    [InlineData("bench.svg.txt", "--embedded")]
    [InlineData("bench.jpg", "--cluster", "http://127.0.0.1:9")]
    public async Task A_chart_of_another_format_should_be_refused_in_one_line_before_anything_runs(string file, params string[] where)
    {
        var path = Path.Combine(_folder.FullName, file);

        var run = await CliRun.InvokeAsync(["bench", .. where, "--repeat", "1", "--chart", path]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.Equal($"primecluster: --chart draws .svg or .png, chosen by the file's extension, not '{file}'.\n", run.Error);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_chart_in_a_folder_that_does_not_exist_should_be_refused_before_anything_runs()
    {
        var path = Path.Combine(_folder.FullName, "missing", "bench.svg");

        var run = await CliRun.InvokeAsync("bench", "--embedded", "--chart", path);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.Equal($"primecluster: --chart: no folder '{Path.GetDirectoryName(path)}' to write 'bench.svg' in.\n", run.Error);
    }

    [Fact]
    public async Task Help_should_list_the_chart_option()
    {
        var root = await CliRun.InvokeAsync("--help");
        var bench = await CliRun.InvokeAsync("bench", "--help");

        // bench is the last command listed; a narrow terminal may wrap its description.
        Assert.Matches(@"(?s)\n  bench\s.*--chart", root.Out);
        Assert.Matches(@"(?s)\n  --chart <FILE>\s.*\.svg or \.png", bench.Out);
    }

    [Fact]
    public void Chart_drawn_from_fixed_numbers_should_name_every_series_range_and_decade()
    {
        BenchSeries measured = new("PrimeCluster, 16 workers", [new(1_000, 0.05, 1.5e9), new(100_000, 30, 15e9)]);

        var svg = XDocument.Parse(System.Text.Encoding.UTF8.GetString(BenchChart.Render(ChartFormat.Svg, "Fixed numbers on 16 cores\nsecond line", [.. ArticleFigures.Series, measured])));

        var texts = SvgTexts(svg);
        Assert.Contains("Fixed numbers on 16 cores", texts);
        Assert.Contains("second line", texts);
        Assert.Contains("Python (article)", texts);
        Assert.Contains("Rust (article)", texts);
        Assert.Contains("PrimeCluster, 16 workers", texts);
        Assert.Contains("milliseconds (log scale)", texts);
        Assert.Contains("checks/s (log scale)", texts);

        // Every range is a tick, and the values' decades are labelled from the article's Rust at 0.19 ms to Python at
        // 24194 ms, and from Python's 17.6M checks/s to the 15G given here.
        Assert.All(["1K", "10K", "25K", "50K", "75K", "100K"], label => Assert.Contains(label, texts));
        Assert.All(["0.01", "0.1", "1", "10", "100", "1,000", "10,000", "100,000"], label => Assert.Contains(label, texts));
        Assert.All(["10M", "100M", "1G", "10G", "100G"], label => Assert.Contains(label, texts));
    }

    [Fact]
    public void Chart_drawn_as_png_should_be_a_png()
    {
        var png = BenchChart.Render(ChartFormat.Png, "PNG", ArticleFigures.Series);

        Assert.Equal(PngSignature, png[..PngSignature.Length]);
        Assert.True(png.Length > 20_000, $"a PNG of {png.Length} bytes holds no chart");
    }

    [Fact]
    public void Article_figures_should_be_its_six_ranges_and_agree_with_the_exact_check_counts()
    {
        Assert.Equal(["Python (article)", "Rust (article)"], ArticleFigures.Series.Select(s => s.Name));
        Assert.All(ArticleFigures.Series, series =>
        {
            Assert.Equal([1_000UL, 10_000, 25_000, 50_000, 75_000, 100_000], series.Points.Select(p => p.Til));

            // The article printed ms and checks/s rounded, each on its own: 4 ms for [1, 1K] in Python is 11% off its
            // 17.6M checks/s; a figure copied wrong is off by far more.
            Assert.All(series.Points, p =>
            {
                var checksPerSecond = (double)SieveKernel.Instance.Count(1, p.Til).CheckCount / (p.Milliseconds / 1000);
                Assert.InRange(checksPerSecond / p.ChecksPerSecond, 0.88, 1.12);
            });
        });
    }

    private static List<string> SvgTexts(XDocument svg) =>
        svg.Descendants(XName.Get("text", "http://www.w3.org/2000/svg")).Select(t => t.Value.Trim()).ToList();
}
