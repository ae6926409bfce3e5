using System.Globalization;
using PrimeCluster.Core;
using PrimeCluster.Contracts;

namespace PrimeCluster.Cli.Output;

/// <summary>
/// A job's progress on stderr: on a terminal, one line redrawn in place with a coloured bar; otherwise a plain line
/// now and then, so logs and pipes stay readable.
/// </summary>
public sealed class ProgressView(TextWriter error, bool terminal)
{
    private const int BarWidth = 24;
    private static readonly TimeSpan PlainEvery = TimeSpan.FromSeconds(2);

    private DateTimeOffset _lastPlain = DateTimeOffset.MinValue;
    private bool _drawn;

    public void Show(JobResource job)
    {
        var fraction = Math.Clamp(job.Progress.Fraction, 0, 1);
        var text = Describe(job, fraction);
        if (terminal)
        {
            var filled = (int)Math.Round(fraction * BarWidth);
            error.Write($"\r\u001b[2K\u001b[32m{new string('█', filled)}\u001b[2m{new string('░', BarWidth - filled)}\u001b[0m {text}");
            error.Flush();
            _drawn = true;
        }
        else if (DateTimeOffset.UtcNow - _lastPlain >= PlainEvery || job.IsFinished)
        {
            error.WriteLine($"job {job.Id} {job.State}: {text}");
            _lastPlain = DateTimeOffset.UtcNow;
        }
    }

    /// <summary>Removes the redrawn line, so that what follows starts on a clean line.</summary>
    public void Clear()
    {
        if (_drawn)
        {
            error.Write("\r\u001b[2K");
            error.Flush();
            _drawn = false;
        }
    }

    private static string Describe(JobResource job, double fraction)
    {
        var progress = job.Progress;
        var seconds = job.ElapsedMs / 1000;
        var rate = seconds > 0 ? (double)progress.ChecksDone / seconds : 0;
        var remaining = progress.ChecksTotal > progress.ChecksDone ? (double)(progress.ChecksTotal - progress.ChecksDone) : 0;
        var eta = job.IsFinished ? "done" : rate > 0 ? $"ETA {Format.Duration(remaining / rate)}" : "ETA unknown";
        var total = progress.ChecksTotalExact ? Format.Scaled((double)progress.ChecksTotal) : $"~{Format.Scaled((double)progress.ChecksTotal)}";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{fraction * 100,3:0}%  {Format.Scaled((double)progress.ChecksDone)}/{total} checks  {progress.BatchesDone}/{progress.BatchesTotal} batches  {Format.Rate(rate)} checks/s  {eta}  {job.Workers} workers");
    }
}
