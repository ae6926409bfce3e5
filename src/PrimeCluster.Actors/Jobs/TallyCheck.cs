namespace PrimeCluster.Actors.Jobs;

/// <summary>How a batch's first reported tally is checked before it counts.</summary>
public enum TallyCheck
{
    /// <summary>It counts as reported.</summary>
    None,

    /// <summary>It waits for the batch's true tally, which the caller computes.</summary>
    Verify,

    /// <summary>It waits for another worker to report the batch: two that agree count, two that differ are verified.</summary>
    SecondOpinion,
}
