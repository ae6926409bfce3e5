namespace PrimeCluster.Actors.Jobs;

/// <summary>What became of a reported tally.</summary>
public enum ReportOutcome
{
    /// <summary>Nothing: the batch is done, the worker excluded, or the worker reported the batch already.</summary>
    Ignored,

    /// <summary>Nothing: the worker does not hold the batch (it was never handed it, or it went back to the queue).</summary>
    NotHeld,

    /// <summary>It counts.</summary>
    Counted,

    /// <summary>Held until a second opinion or a verification already under way.</summary>
    Held,

    /// <summary>Held; the caller computes the batch's true tally and settles it.</summary>
    Verify,

    /// <summary>It differs from the batch's true tally, known already.</summary>
    Wrong,
}
