using Microsoft.Extensions.Time.Testing;
using PrimeCluster.Cli.Commands;
using PrimeCluster.Cli.Output;
using PrimeCluster.Contracts;
using PrimeCluster.Core;

namespace PrimeCluster.Cli.Tests;

public sealed class ProgressViewSpecs
{
    private const string Id = StandInSeed.JobId;

    private static readonly JobResource Queued = StandInSeed.Job(JobState.Queued, batchesDone: 0) with { Workers = 0, ElapsedMs = 0 };

    [Fact]
    public void A_job_queued_in_a_cluster_without_workers_should_say_so_with_its_id()
    {
        var plain = Shown(terminal: false, Queued);
        var terminal = Shown(terminal: true, Queued);

        Assert.Equal($"job {Id} queued: no workers in the cluster yet\n", plain);
        Assert.Equal($"\r\u001b[2Kjob {Id} queued: no workers in the cluster yet", terminal);
    }

    [Fact]
    public void Each_change_of_state_or_of_what_a_queued_job_waits_for_should_get_a_plain_line()
    {
        var clock = new FakeTimeProvider();
        using var error = new StringWriter();
        using var view = new ProgressView(error, terminal: false, clock);

        view.Show(Queued);
        clock.Advance(ProgressView.StartingFor);
        view.Show(Queued with { Workers = 3 });
        view.Show(StandInSeed.Job(JobState.Running, batchesDone: 1));
        view.Show(StandInSeed.Job(JobState.Done, batchesDone: 16));
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(4, lines.Length);
        Assert.Equal($"job {Id} queued: no workers in the cluster yet", lines[0]);
        Assert.Equal($"job {Id} queued: waiting for a worker (3 in the cluster)", lines[1]);
        Assert.StartsWith($"job {Id} running:   6%", lines[2], StringComparison.Ordinal);
        Assert.StartsWith($"job {Id} done: 100%", lines[3], StringComparison.Ordinal);
        Assert.EndsWith("  done  2 workers", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_job_that_workers_are_there_to_take_should_be_starting_not_waiting()
    {
        var queued = Queued with { Workers = 2 };
        var running = StandInSeed.Job(JobState.Running, batchesDone: 1);

        var plain = Shown(terminal: false, queued, queued, running).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var terminal = Shown(terminal: true, queued);

        Assert.Single(plain);
        Assert.StartsWith($"job {Id} running:", plain[0], StringComparison.Ordinal);
        Assert.Equal($"\r\u001b[2Kjob {Id} starting", terminal);
    }

    [Theory]
    [InlineData(false, "job {0} queued: waiting for a worker (2 in the cluster)\n")]
    [InlineData(true, "\r\u001b[2Kjob {0} starting\r\u001b[2Kjob {0} queued: waiting for a worker (2 in the cluster)")]
    public void A_job_still_queued_after_a_second_should_be_said_to_wait_with_no_news_of_it(bool terminal, string said)
    {
        var clock = new FakeTimeProvider();
        using var error = new StringWriter();
        using var view = new ProgressView(error, terminal, clock);

        view.Show(Queued with { Workers = 2 });
        clock.Advance(ProgressView.StartingFor - TimeSpan.FromMilliseconds(1));
        var before = error.ToString();
        clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(terminal ? $"\r\u001b[2Kjob {Id} starting" : string.Empty, before);
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, said, Id), error.ToString());
    }

    [Fact]
    public void A_cleared_view_should_not_be_drawn_again_by_its_look_at_a_queued_job()
    {
        var clock = new FakeTimeProvider();
        using var error = new StringWriter();
        using var view = new ProgressView(error, terminal: false, clock);

        view.Show(Queued with { Workers = 2 });
        view.Clear();
        clock.Advance(ProgressView.StartingFor * 2);

        Assert.Empty(error.ToString());
    }

    [Theory]
    [InlineData(0, "  ETA unknown  no workers")]
    [InlineData(1, "  1 worker")]
    [InlineData(2, "  2 workers")]
    public void The_workers_should_be_counted_in_words(int workers, string ending)
    {
        var line = Shown(terminal: false, StandInSeed.Job(JobState.Running, batchesDone: workers == 0 ? 0 : 4) with { Workers = workers });

        Assert.EndsWith($"{ending}\n", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sieve")]
    [InlineData("formula")]
    public void A_trial_job_should_show_its_rate_of_checks_and_a_job_that_derives_its_checks_none(string algorithm)
    {
        var trial = Shown(terminal: false, StandInSeed.Job(JobState.Running, batchesDone: 4));
        var derived = Shown(terminal: false, StandInSeed.Job(JobState.Running, batchesDone: 4) with { Algorithm = algorithm });

        Assert.Contains(" checks/s  ", trial, StringComparison.Ordinal);
        Assert.DoesNotContain("/s", derived, StringComparison.Ordinal);
        Assert.Contains("4/16 batches  ETA ", derived, StringComparison.Ordinal);
    }

    [Fact]
    public void Ending_the_redrawn_line_should_keep_it_and_clearing_it_should_erase_it()
    {
        using var ended = new StringWriter();
        using var cleared = new StringWriter();
        var endedView = new ProgressView(ended, terminal: true);
        var clearedView = new ProgressView(cleared, terminal: true);

        endedView.Show(StandInSeed.Job(JobState.Running, batchesDone: 4));
        endedView.End();
        endedView.End();
        clearedView.Show(StandInSeed.Job(JobState.Running, batchesDone: 4));
        clearedView.Clear();
        clearedView.End();

        Assert.EndsWith("2 workers\n", ended.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("2 workers\r\u001b[2K", cleared.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, false, true)]
    [InlineData(false, true, true)]
    [InlineData(true, true, true)]
    [InlineData(true, false, false)]
    public void With_json_progress_should_show_only_on_a_terminal(bool json, bool terminal, bool shown)
    {
        var context = new CliContext(TextWriter.Null, TextWriter.Null, (_, _) => throw new InvalidOperationException()) { ErrorIsTerminal = terminal };

        Assert.Equal(shown, ProgressView.For(context, json) is not null);
    }

    private static string Shown(bool terminal, params JobResource[] jobs)
    {
        using var error = new StringWriter();
        using var view = new ProgressView(error, terminal);
        foreach (var job in jobs)
        {
            view.Show(job);
        }

        return error.ToString();
    }
}
