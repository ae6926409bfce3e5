namespace PrimeCluster.Actors.Tests;

/// <summary>Waits for conditions of in-process clusters, polling every 50 ms for at most a minute.</summary>
internal static class Until
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>Until <paramref name="seed"/>'s coordinator knows <paramref name="count"/> workers.</summary>
    public static Task WorkersAsync(InProcessNode seed, int count) =>
        TrueAsync(async () => (await seed.Client.WorkersAsync()).Count >= count);

    /// <summary>
    /// Until <paramref name="node"/> sees <paramref name="count"/> members Up: a worker can register while still
    /// joining, and a node lost before the others are Up can leave the survivors without a majority.
    /// </summary>
    public static Task UpAsync(InProcessNode node, int count) =>
        TrueAsync(() => Task.FromResult(Akka.Cluster.Cluster.Get(node.System).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == count));

    public static async Task TrueAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTimeOffset.UtcNow + Bound;
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold within a minute.");
            }

            await Task.Delay(50);
        }
    }
}
