using PrimeCluster.Actors.Workers;

namespace PrimeCluster.Actors.Tests;

/// <summary>Linux: the nice of a thread of its own, as the kernels get on every node.</summary>
public sealed class ComputeSchedulerSpecs
{
    [Fact]
    public async Task ComputeScheduler_should_run_its_tasks_the_given_nice_steps_below_the_caller()
    {
        var callers = ThreadNice.Current()!.Value;
        using var scheduler = new ComputeScheduler(2, "test-compute", nice: 10);

        var seen = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Factory.StartNew(ThreadNice.Current, CancellationToken.None, TaskCreationOptions.None, scheduler)));

        Assert.All(seen, nice => Assert.Equal(Math.Min(19, callers + 10), nice));
    }

    [Fact]
    public async Task ComputeScheduler_should_leave_its_threads_level_with_the_process_at_nice_zero()
    {
        using var scheduler = new ComputeScheduler(1, "test-compute", nice: 0);

        var callers = ThreadNice.Current();

        var seen = await Task.Factory.StartNew(ThreadNice.Current, CancellationToken.None, TaskCreationOptions.None, scheduler);

        Assert.Equal(callers, seen);
    }
}
