using System.Globalization;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Cli.Commands;
using PrimeCluster.Contracts;
using PrimeCluster.Core;

namespace PrimeCluster.Cli.Output;

/// <summary>
/// A job's progress on stderr: on a terminal, one line redrawn in place with a coloured bar; otherwise a plain line
/// when the job's state changes and every two seconds, so logs and pipes stay readable. A queued job in a cluster with
/// workers is starting, and said to wait only once it has for <see cref="StartingFor"/>: idle workers take a new job's
/// batches within milliseconds.
/// </summary>
public sealed class ProgressView(TextWriter error, bool terminal, TimeProvider? clock = null) : IDisposable
{
    /// <summary>How long a queued job may take to start before it is said to wait for a worker.</summary>
    public static readonly TimeSpan StartingFor = TimeSpan.FromSeconds(1);

    private const int BarWidth = 24;
    private static readonly TimeSpan PlainEvery = TimeSpan.FromSeconds(2);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private DateTimeOffset _lastPlain = DateTimeOffset.MinValue;
    private string? _lastHeadline;
    private bool _drawn;

    /// <summary>When the job was first seen queued, and the look again at it once it has been for <see cref="StartingFor"/>.</summary>
    private DateTimeOffset? _queuedSince;
    private ITimer? _lookAgain;
    private Snapshot? _last;

    /// <summary>
    /// The progress view of a command, or none: with --json, results go to a program, and so do plain lines on an
    /// stderr that is not a terminal.
    /// </summary>
    public static ProgressView? For(CliContext context, bool json)
    {
        ArgumentNullException.ThrowIfNull(context);
        return json && !context.ErrorIsTerminal ? null : new ProgressView(context.Error, context.ErrorIsTerminal);
    }

    /// <summary>A job of a cluster, as its API shows it.</summary>
    public void Show(JobResource job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var progress = job.Progress;
        Show(new Snapshot(job.Id, job.State, job.Algorithm != Names.Of(Algorithm.Trial), progress.Fraction, progress.ChecksDone, progress.ChecksTotal, progress.ChecksTotalExact, progress.BatchesDone, progress.BatchesTotal, job.ElapsedMs / 1000, job.Workers));
    }

    /// <summary>A job of the cluster in this process, as its coordinator pushes it.</summary>
    public void Show(JobView job)
    {
        ArgumentNullException.ThrowIfNull(job);
        Show(new Snapshot(job.Id.Value, job.State, job.Spec.Algorithm != Algorithm.Trial, job.Fraction, job.SoFar.CheckCount, job.ChecksTotal, job.ChecksTotalIsExact, job.BatchesDone, job.BatchCount, job.Elapsed.TotalSeconds, job.Workers));
    }

    /// <summary>Removes the redrawn line, so that what follows starts on a clean line.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            StopLooking();
            if (_drawn)
            {
                error.Write("\r\u001b[2K");
                error.Flush();
                _drawn = false;
            }
        }
    }

    /// <summary>Leaves the redrawn line as it last was and ends it, so that a message after it starts on a line of its own.</summary>
    public void End()
    {
        lock (_gate)
        {
            StopLooking();
            if (_drawn)
            {
                error.WriteLine();
                error.Flush();
                _drawn = false;
            }
        }
    }

    /// <summary>Stops looking again at a queued job, writing nothing.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            StopLooking();
        }
    }

    private void Show(Snapshot job)
    {
        lock (_gate)
        {
            _last = job;
            Draw(job);
        }
    }

    private void StopLooking()
    {
        _lookAgain?.Dispose();
        _lookAgain = null;
        _last = null;
    }

    private void Draw(Snapshot job)
    {
        var fraction = Math.Clamp(job.Fraction, 0, 1);
        var waiting = job.State == JobState.Queued ? Waiting(job.Workers) : null;
        var now = _clock.GetUtcNow();
        if (waiting is not null)
        {
            _queuedSince ??= now;
        }

        var starting = waiting is not null && job.Workers > 0 && now - _queuedSince < StartingFor;
        if (starting && _lookAgain is null)
        {
            // Said to wait even if nothing more is heard of the job meanwhile.
            _lookAgain = _clock.CreateTimer(_ => LookAgain(), null, StartingFor - (now - _queuedSince!.Value), Timeout.InfiniteTimeSpan);
        }

        if (terminal)
        {
            var line = starting ? $"job {job.Id} starting" : waiting is not null ? $"job {job.Id} queued: {waiting}" : $"{Bar(fraction)} {Describe(job, fraction)}";
            error.Write($"\r\u001b[2K{line}");
            error.Flush();
            _drawn = true;
            return;
        }

        // Nothing worth a line yet: the next says it runs, or what it waits for.
        if (starting)
        {
            return;
        }

        // A state, or what a queued job waits for, is worth a line at once; the numbers, every two seconds.
        var headline = $"{job.State.Name()}: {waiting}";
        if (headline != _lastHeadline || DateTimeOffset.UtcNow - _lastPlain >= PlainEvery || job.State.IsTerminal())
        {
            error.WriteLine($"job {job.Id} {job.State.Name()}: {waiting ?? Describe(job, fraction)}");
            _lastPlain = DateTimeOffset.UtcNow;
            _lastHeadline = headline;
        }
    }

    private static string Bar(double fraction)
    {
        var filled = (int)Math.Round(fraction * BarWidth);
        return $"\u001b[32m{new string('█', filled)}\u001b[2m{new string('░', BarWidth - filled)}\u001b[0m";
    }

    private void LookAgain()
    {
        lock (_gate)
        {
            if (_last is { } last)
            {
                Draw(last);
            }
        }
    }

    /// <summary>What a queued job waits for: a worker to join the cluster, or one of those there to take a batch.</summary>
    private static string Waiting(int workers) => workers == 0
        ? "no workers in the cluster yet"
        : string.Create(CultureInfo.InvariantCulture, $"waiting for a worker ({workers} in the cluster)");

    private static string Describe(Snapshot job, double fraction)
    {
        var rate = job.ElapsedSeconds > 0 ? (double)job.ChecksDone / job.ElapsedSeconds : 0;
        var remaining = job.ChecksTotal > job.ChecksDone ? (double)(job.ChecksTotal - job.ChecksDone) : 0;
        var eta = job.State.IsTerminal() ? "done" : rate > 0 ? $"ETA {Format.Duration(remaining / rate)}" : "ETA unknown";
        var total = job.ChecksTotalExact ? Format.Scaled((double)job.ChecksTotal) : $"~{Format.Scaled((double)job.ChecksTotal)}";

        // The sieve and the formula derive their checks without performing them: a rate of checks would mean nothing.
        var checksPerSecond = job.ChecksDerived ? string.Empty : $"{Format.Rate(rate)} checks/s  ";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{fraction * 100,3:0}%  {Format.Scaled((double)job.ChecksDone)}/{total} checks  {job.BatchesDone}/{job.BatchesTotal} batches  {checksPerSecond}{eta}  {Workers(job.Workers)}");
    }

    private static string Workers(int count) => count == 0 ? "no workers" : Format.Count(count, "worker");

    /// <summary>What the view shows of a job, whichever way it came.</summary>
    private sealed record Snapshot(
        string Id,
        JobState State,
        bool ChecksDerived,
        double Fraction,
        UInt128 ChecksDone,
        UInt128 ChecksTotal,
        bool ChecksTotalExact,
        long BatchesDone,
        long BatchesTotal,
        double ElapsedSeconds,
        int Workers);
}
