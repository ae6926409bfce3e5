namespace PrimeCluster.Core.Planning;

/// <summary>One contiguous piece of a job's range: everything a worker needs, with its place in the plan.</summary>
public readonly record struct Batch(long Index, NumberRange Range)
{
    public override string ToString() => $"#{Index} {Range}";
}
