namespace PrimeCluster.Core.Planning;

/// <summary>
/// One piece of a job: everything a worker needs, with its place in the plan. A batch is counted as the tally of its
/// range; that tally adds to the job's, but for the formula's batch of [0, from - 1] (<see cref="Subtracted"/>), whose
/// tally is taken away from that of [0, til] (see <see cref="PlanOptions.SplitFormulaEnds"/>).
/// </summary>
public readonly record struct Batch(long Index, NumberRange Range, bool Subtracted = false)
{
    public override string ToString() => Subtracted ? $"#{Index} minus {Range}" : $"#{Index} {Range}";
}
