using PrimeCluster.Actors.Coordination;

namespace PrimeCluster.Actors.Tests;

/// <summary>Workers are named "worker@node": "liar@a" is caught, "peer@a" a suspect on its node.</summary>
public sealed class JobExclusionsSpecs
{
    private readonly JobExclusions<string> _exclusions = new();
    private readonly HashSet<string> _registered = ["liar@a", "peer@a", "honest@b"];

    [Fact]
    public void A_worker_should_be_excluded_once_and_a_suspect_caught_itself_be_caught_from_then_on()
    {
        Assert.True(_exclusions.Exclude("liar@a", caught: "liar@a"));
        Assert.True(_exclusions.Exclude("peer@a", caught: "liar@a"));
        Assert.False(_exclusions.Exclude("peer@a", caught: "liar2@a"));
        Assert.False(_exclusions.Exclude("liar@a", caught: "peer@a"));

        Assert.False(_exclusions.IsCaught("peer@a"));
        Assert.False(_exclusions.Exclude("peer@a", caught: "peer@a"));
        Assert.True(_exclusions.IsCaught("peer@a"));
        Assert.Equal(["liar@a", "peer@a"], _exclusions.All.Order());

        // Caught, it stays excluded whoever is gone.
        _registered.ExceptWith(["liar@a", "honest@b"]);
        Assert.Empty(Readmit());
        Assert.True(_exclusions.Contains("peer@a"));
    }

    [Fact]
    public void A_suspect_should_be_taken_back_once_every_worker_of_its_node_it_was_suspected_for_is_gone()
    {
        _registered.Add("liar2@a");
        _exclusions.Exclude("liar@a", caught: "liar@a");
        _exclusions.Exclude("liar2@a", caught: "liar2@a");
        _exclusions.Exclude("peer@a", caught: "liar@a");
        _exclusions.Exclude("peer@a", caught: "liar2@a");
        Assert.Empty(Readmit());

        _registered.Remove("liar@a");
        Assert.Empty(Readmit());

        _registered.Remove("liar2@a");
        Assert.Equal([new JobExclusions<string>.Readmission("peer@a", ReadmittedFor.CaughtGone)], Readmit());
        Assert.False(_exclusions.Contains("peer@a"));
        Assert.Equal(["liar2@a", "liar@a"], _exclusions.All.Order());
        Assert.Empty(Readmit());
    }

    [Fact]
    public void A_job_left_with_no_other_worker_should_take_back_every_registered_suspect_and_no_caught_worker()
    {
        _registered.Add("gone@a");
        _exclusions.Exclude("liar@a", caught: "liar@a");
        _exclusions.Exclude("peer@a", caught: "liar@a");
        _exclusions.Exclude("gone@a", caught: "liar@a");
        Assert.Empty(Readmit());

        // The honest worker of another node leaves; so did a suspect, which is forgotten with it.
        _registered.ExceptWith(["honest@b", "gone@a"]);
        _exclusions.Forget("gone@a");

        Assert.Equal([new JobExclusions<string>.Readmission("peer@a", ReadmittedFor.NoOtherWorker)], Readmit());
        Assert.Equal(["liar@a"], _exclusions.All);
        Assert.Empty(Readmit());
    }

    [Fact]
    public void A_job_whose_registered_workers_were_all_caught_should_take_none_back()
    {
        _registered.Remove("peer@a");
        _exclusions.Exclude("liar@a", caught: "liar@a");
        _exclusions.Exclude("honest@b", caught: "honest@b");

        Assert.Empty(Readmit());
        Assert.Equal(["honest@b", "liar@a"], _exclusions.All.Order());
    }

    private IReadOnlyList<JobExclusions<string>.Readmission> Readmit() => _exclusions.Readmit(_registered, _registered.Contains);
}
