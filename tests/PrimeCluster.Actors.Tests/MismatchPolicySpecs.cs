using Akka.Actor;
using PrimeCluster.Actors.Coordination;

namespace PrimeCluster.Actors.Tests;

public sealed class MismatchPolicySpecs
{
    private static readonly Address Self = new("akka.tcp", "primecluster", "10.0.0.1", 4053);
    private static readonly Address Liar = new("akka.tcp", "primecluster", "10.0.0.2", 4053);
    private static readonly Address Other = new("akka.tcp", "primecluster", "10.0.0.3", 4053);

    private static readonly Dictionary<string, Address> Workers = new()
    {
        ["own-0"] = Self,
        ["own-1"] = Self,
        ["liar-0"] = Liar,
        ["liar-1"] = Liar,
        ["other-0"] = Other,
    };

    [Fact]
    public void Every_worker_of_another_node_should_be_suspect_and_on_the_coordinators_own_only_the_one_caught()
    {
        var policy = new MismatchPolicy(Self, beforeDown: 3);

        Assert.Equal(["liar-0", "liar-1"], policy.Suspects("liar-1", Liar, Workers.Keys, w => Workers[w]).Order());
        Assert.Equal(["liar-9"], policy.Suspects("liar-9", Liar, [], w => Workers[w]));
        Assert.Equal(["own-1"], policy.Suspects("own-1", Self, Workers.Keys, w => Workers[w]));
    }

    [Fact]
    public void A_node_should_be_downed_at_the_limit_of_wrong_tallies_but_never_the_coordinators_own()
    {
        var policy = new MismatchPolicy(Self, beforeDown: 2);

        Assert.Equal((MismatchPolicy.Verdict.Warn, 1), policy.Count(Liar));
        Assert.Equal((MismatchPolicy.Verdict.Warn, 1), policy.Count(Self));
        Assert.Equal((MismatchPolicy.Verdict.Down, 2), policy.Count(Liar));
        Assert.Equal((MismatchPolicy.Verdict.OwnNode, 2), policy.Count(Self));
        Assert.Equal((MismatchPolicy.Verdict.Down, 3), policy.Count(Liar));
        Assert.Equal(new Dictionary<Address, int> { [Liar] = 3, [Self] = 2 }, policy.ByNode);
    }
}
