namespace PrimeCluster.Actors.Jobs;

/// <summary>The batches numbered <paramref name="First"/> to <paramref name="Last"/>, both included.</summary>
public readonly record struct BatchSpan(long First, long Last)
{
    public long Count => Last - First + 1;

    public override string ToString() => $"[{First}, {Last}]";
}
