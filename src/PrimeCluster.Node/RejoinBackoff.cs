namespace PrimeCluster.Node;

/// <summary>
/// How long a node waits before it joins the seeds again, after the cluster downed it or its seeds all left: 2 s, then
/// twice the wait before each time the node is back out within a minute, up to 30 s. A node downed over and over
/// backs off; one that ran a while comes back at once.
/// </summary>
public sealed class RejoinBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(30);

    /// <summary>An incarnation that lasted this long was no rejoin loop: the next wait starts from <see cref="First"/> again.</summary>
    public static readonly TimeSpan Settled = TimeSpan.FromMinutes(1);

    private TimeSpan? _last;

    /// <summary>The wait before the next incarnation, given how long the one that just ended lasted.</summary>
    public TimeSpan Next(TimeSpan lasted)
    {
        var next = _last is { } last && lasted < Settled ? TimeSpan.FromTicks(Math.Min(last.Ticks * 2, Longest.Ticks)) : First;
        _last = next;
        return next;
    }
}
