namespace PrimeCluster.Node.Tests;

public sealed class RejoinBackoffSpecs
{
    private static readonly TimeSpan Brief = TimeSpan.FromSeconds(5);

    [Fact]
    public void RejoinBackoff_should_double_the_wait_while_the_node_keeps_coming_back_out_at_once_up_to_its_longest()
    {
        var backoff = new RejoinBackoff();

        var waits = Enumerable.Range(0, 6).Select(_ => backoff.Next(Brief).TotalSeconds).ToList();

        Assert.Equal([2, 4, 8, 16, 30, 30], waits);
    }

    [Fact]
    public void RejoinBackoff_should_start_from_the_first_wait_again_after_a_settled_incarnation()
    {
        var backoff = new RejoinBackoff();
        backoff.Next(Brief);
        backoff.Next(Brief);
        backoff.Next(Brief);

        Assert.Equal(RejoinBackoff.First, backoff.Next(RejoinBackoff.Settled));
        Assert.Equal(RejoinBackoff.First * 2, backoff.Next(Brief));
    }
}
