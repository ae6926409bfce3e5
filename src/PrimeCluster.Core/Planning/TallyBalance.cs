namespace PrimeCluster.Core.Planning;

/// <summary>
/// A job's tally from its batches' as they come in, in any order: what the batches add, and what the formula's
/// subtracted batch takes away (<see cref="Batch.Subtracted"/>). Each side is a sum of true tallies, so neither
/// overflows, and <see cref="Net"/> is exact once every batch is in.
/// </summary>
public readonly record struct TallyBalance(Tally Added, Tally Subtracted)
{
    public TallyBalance Add(Batch batch, Tally tally) =>
        batch.Subtracted ? this with { Subtracted = Subtracted + tally } : this with { Added = Added + tally };

    /// <summary>The job's tally: valid once every batch is in (before, what is subtracted may exceed what is added).</summary>
    public Tally Net => Added - Subtracted;
}
