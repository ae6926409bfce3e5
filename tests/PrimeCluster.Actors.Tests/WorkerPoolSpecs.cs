using PrimeCluster.Actors.Coordination;
using PrimeCluster.Actors.Messages;

namespace PrimeCluster.Actors.Tests;

public sealed class WorkerPoolSpecs
{
    private static readonly JobId First = new("first");
    private static readonly JobId Second = new("second");

    private readonly ManualClock _clock = new();

    [Fact]
    public void Register_should_count_a_host_once_and_note_the_cores_it_reports()
    {
        var pool = Pool();

        Assert.True(pool.Register("a@h1", cores: 0));
        Assert.True(pool.Register("b@h1", cores: 0));
        Assert.Equal(2, pool.Cores);

        Assert.False(pool.Register("a@h1", cores: 1));
        Assert.Equal(1, pool.Cores);
        Assert.False(pool.Register("a@h1", cores: 0));
        Assert.Equal(1, pool.Cores);

        Assert.True(pool.Register("c@h2", cores: 4));
        Assert.Equal(2, pool.Cores);
        Assert.Equal(["a@h1", "b@h1", "c@h2"], pool.Workers.Order());
    }

    [Fact]
    public void Dispatch_should_give_the_running_jobs_turns()
    {
        var pool = Pool();
        pool.Start(First);
        pool.Start(Second);

        var turns = Enumerable.Range(0, 4).Select(_ => pool.Dispatch("a", slots: 2).Job).ToList();

        Assert.Equal(2, turns.Distinct().Count());
        Assert.Equal(turns[0], turns[2]);
        Assert.Equal(turns[1], turns[3]);
        Assert.All(turns, job => Assert.NotNull(job));
    }

    [Fact]
    public void Alone_should_name_the_only_running_job_with_batches_waiting()
    {
        var pool = Pool();
        Assert.Null(pool.Alone);

        pool.Start(First);
        Assert.Equal(First, pool.Alone);
        pool.Start(Second);
        Assert.Null(pool.Alone);
        pool.SetWaiting(First, false);
        Assert.Equal(Second, pool.Alone);
        pool.Stop(Second);
        Assert.Null(pool.Alone);
    }

    [Fact]
    public void Dispatch_should_prefer_a_job_with_batches_waiting_and_offer_a_backup_copy_only_when_none_has_any()
    {
        var pool = Pool();
        pool.Start(First);
        pool.Start(Second);
        pool.SetWaiting(First, false);

        Assert.Equal(new WorkerPool<string>.Offer("a", 3, Second, Backup: false), pool.Dispatch("a", 3));
        Assert.Equal(new WorkerPool<string>.Offer("a", 3, Second, Backup: false), pool.Dispatch("a", 3));

        pool.SetWaiting(Second, false);
        Assert.True(pool.Dispatch("a", 3).Backup);
        Assert.Equal(new WorkerPool<string>.Offer("a", 3, Job: null, Backup: false), pool.Dispatch("a", 3, backup: false));
    }

    [Fact]
    public void Dispatch_should_offer_no_backup_copy_when_they_are_off()
    {
        var pool = Pool(backupCopies: false);
        pool.Start(First);
        pool.SetWaiting(First, false);

        Assert.Null(pool.Dispatch("a", 1).Job);
    }

    [Fact]
    public void WakeIdleWorkers_should_offer_the_idle_workers_a_job_that_has_batches_again()
    {
        var pool = Pool();
        Assert.Null(pool.Dispatch("a", 3).Job);
        Assert.Null(pool.Dispatch("b", 1).Job);

        pool.Start(First);

        Assert.Equal(
            [new WorkerPool<string>.Offer("a", 3, First, Backup: false), new WorkerPool<string>.Offer("b", 1, First, Backup: false)],
            pool.WakeIdleWorkers().OrderBy(offer => offer.Worker));
        Assert.Empty(pool.WakeIdleWorkers());
    }

    [Fact]
    public void An_idle_worker_should_stay_idle_while_every_running_job_has_excluded_it()
    {
        var pool = Pool();
        pool.Start(First);
        pool.Exclude(First, "a", caught: "a");
        Assert.Null(pool.Dispatch("a", 2).Job);

        Assert.Equal([new WorkerPool<string>.Offer("a", 2, Job: null, Backup: false)], pool.WakeIdleWorkers());

        pool.Start(Second);
        Assert.Equal([new WorkerPool<string>.Offer("a", 2, Second, Backup: false)], pool.WakeIdleWorkers());
    }

    [Fact]
    public void Remove_should_forget_a_gone_worker_and_its_idle_request()
    {
        var pool = Pool();
        pool.Register("a", cores: 2);
        pool.Dispatch("a", 2);

        Assert.True(pool.Remove("a"));
        Assert.False(pool.Remove("a"));
        Assert.Empty(pool.Workers);
        Assert.Equal(0, pool.Cores);

        pool.Start(First);
        Assert.Empty(pool.WakeIdleWorkers());
    }

    [Fact]
    public void A_job_should_be_skipped_for_a_worker_it_excluded_until_it_stops()
    {
        var pool = Pool();
        pool.Register("a", 0);
        pool.Register("b", 0);
        pool.Start(First);
        pool.Start(Second);

        Assert.True(pool.Exclude(First, "a", caught: "a"));
        Assert.False(pool.Exclude(First, "a", caught: "a"));

        Assert.All(Enumerable.Range(0, 4), _ => Assert.Equal(Second, pool.Dispatch("a", 1).Job));
        Assert.Equal(1, pool.AvailableTo(First));
        Assert.Equal(2, pool.AvailableTo(Second));
        Assert.Equal(["a"], pool.Excluded);

        pool.Stop(First);
        Assert.Empty(pool.Excluded);
        Assert.False(pool.Exclude(First, "b", caught: "b"));
        Assert.Equal([Second], pool.Running);
    }

    [Fact]
    public void A_job_left_with_only_suspects_should_take_them_back_and_the_idle_ones_be_offered_its_batches_again()
    {
        var pool = Pool();
        foreach (var worker in new[] { "liar@a", "peer@a", "honest@b" })
        {
            pool.Register(worker, 0);
        }

        pool.Start(First);
        Assert.True(pool.Exclude(First, "liar@a", caught: "liar@a"));
        Assert.True(pool.Exclude(First, "peer@a", caught: "liar@a"));
        Assert.Empty(pool.Readmit());
        Assert.Null(pool.Dispatch("peer@a", 2).Job);
        Assert.Equal((1, 1), (pool.AvailableTo(First), pool.CaughtIn(First)));

        pool.Remove("honest@b");
        Assert.Equal((0, 1), (pool.AvailableTo(First), pool.CaughtIn(First)));
        Assert.Equal([(First, new JobExclusions<string>.Readmission("peer@a", ReadmittedFor.NoOtherWorker))], pool.Readmit());

        Assert.Equal((1, 1), (pool.AvailableTo(First), pool.CaughtIn(First)));
        Assert.Equal(["liar@a"], pool.Excluded);
        Assert.Equal([new WorkerPool<string>.Offer("peer@a", 2, First, Backup: false)], pool.WakeIdleWorkers());
        Assert.Null(pool.Dispatch("liar@a", 1).Job);
    }

    [Fact]
    public void Stop_should_give_each_job_its_share_of_the_cores_while_it_ran()
    {
        var pool = Pool();
        pool.Register("a@h1", cores: 1);
        pool.Register("b@h2", cores: 1);
        pool.Start(First);
        _clock.Advance(TimeSpan.FromSeconds(10));
        pool.Start(Second);
        _clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(30, pool.Stop(First));
        pool.Remove("b@h2");
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(20, pool.Stop(Second));
        Assert.Null(pool.Stop(Second));
    }

    [Fact]
    public void A_resumed_job_should_have_no_core_seconds_to_tell_its_pace_by()
    {
        var pool = Pool();
        pool.Register("a", cores: 1);
        pool.Start(First, resumed: true);
        _clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Null(pool.Stop(First));
    }

    /// <summary>Workers are named "worker@host".</summary>
    private WorkerPool<string> Pool(bool backupCopies = true) =>
        new(_clock, backupCopies, worker => worker.Split('@') is [_, var host] ? host : worker);
}
