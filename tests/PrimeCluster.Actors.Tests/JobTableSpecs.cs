using PrimeCluster.Actors.Coordination;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;
using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Actors.Tests;

/// <remarks>
/// A running entry counts in the node's job gauge until it finishes: every spec here finishes the running jobs it adds.
/// </remarks>
public sealed class JobTableSpecs
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ForgetOldJobs_should_forget_the_oldest_finished_jobs_beyond_the_history_but_never_a_running_one()
    {
        var table = new JobTable(history: 2);
        var running = Run(table, "running", Noon);
        foreach (var (id, minutes) in new[] { ("first", 1), ("second", 2), ("third", 3) })
        {
            table.Add(new JobEntry(null, View(id, JobState.Done, Noon.AddMinutes(minutes))));
        }

        Assert.Equal([new JobId("first")], table.ForgetOldJobs());
        Assert.Empty(table.ForgetOldJobs());

        End(table, running);
        Assert.Equal([new JobId("second")], table.ForgetOldJobs());
        Assert.Equal(["running", "third"], table.Entries.Select(e => e.View.Id.Value).Order(StringComparer.Ordinal));
        Assert.False(table.TryGetValue(new JobId("second"), out _));
        Assert.Same(running, table[new JobId("running")]);
    }

    [Fact]
    public void Ended_should_keep_the_timelines_of_the_newest_finished_jobs_only()
    {
        var table = new JobTable(history: 100);
        var entries = Enumerable.Range(0, JobTable.KeptTimelines + 2).Select(i => Run(table, $"job{i}", Noon.AddMinutes(i))).ToList();

        foreach (var entry in entries)
        {
            entry.Timeline = new BatchTimeline(entry.View.Id, [], Snapshot: true);
            End(table, entry);
        }

        Assert.Equal([null, null], entries.Take(2).Select(e => e.Timeline));
        Assert.All(entries.Skip(2), e => Assert.NotNull(e.Timeline));
    }

    [Fact]
    public void Newest_and_NextPage_should_list_the_jobs_newest_first_in_pages()
    {
        var table = new JobTable(history: 10);
        foreach (var (id, minutes) in new[] { ("a", 1), ("c", 3), ("b", 3), ("d", 4), ("e", 5) })
        {
            table.Add(new JobEntry(null, View(id, JobState.Done, Noon.AddMinutes(minutes))));
        }

        var first = table.Newest(2);
        Assert.Equal(["e", "d"], first.Jobs.Select(v => v.Id.Value));
        Assert.True(first.More);

        var second = table.NextPage(new JobId("d"), 2);
        Assert.NotNull(second);
        Assert.Equal(["b", "c"], second.Jobs.Select(v => v.Id.Value));
        Assert.True(second.More);

        var last = table.NextPage(new JobId("c"), 2);
        Assert.NotNull(last);
        Assert.Equal(["a"], last.Jobs.Select(v => v.Id.Value));
        Assert.False(last.More);

        Assert.False(table.Newest(5).More);
        Assert.Null(table.NextPage(new JobId("unknown"), 2));
    }

    private static JobEntry Run(JobTable table, string id, DateTimeOffset submittedAt)
    {
        var entry = new JobEntry(null, View(id, JobState.Running, submittedAt));
        table.Add(entry);
        return entry;
    }

    /// <summary>As the coordinator ends a job: its view finished, then the table told.</summary>
    private static void End(JobTable table, JobEntry entry)
    {
        entry.View = entry.View with { State = JobState.Done, FinishedAt = entry.View.SubmittedAt.AddSeconds(1) };
        table.Ended(entry.View.Id);
    }

    private static JobView View(string id, JobState state, DateTimeOffset submittedAt) => new(
        new JobId(id),
        new JobSpec(new NumberRange(1, 1000), Algorithm.Sieve, SplitStrategy.Balanced, Batches: 1),
        state,
        BatchesDone: 0,
        BatchCount: 1,
        Tally.Zero,
        EstimatedChecks: 0,
        EstimateIsExact: false,
        Workers: 0,
        submittedAt,
        StartedAt: null,
        FinishedAt: null,
        Elapsed: TimeSpan.Zero,
        Error: null);
}
