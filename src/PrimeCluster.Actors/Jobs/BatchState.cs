namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// Where a batch of a job stands, as <see cref="BatchLedger{TWorker}"/> keeps it: each batch is in exactly one state,
/// and moves between them by the ledger's transitions only.
/// </summary>
/// <remarks>
/// The transitions, each by a method of the ledger:
/// <list type="bullet">
/// <item>waiting to out: <c>Take</c> hands it to a worker; out to waiting when that worker fails it, hands it back, is
/// lost or is excluded (<c>Fail</c>, <c>Return</c>, <c>ReturnAllHeldBy</c>, <c>Exclude</c>).</item>
/// <item>out to raced: <c>TakeCopy</c> hands a copy to another worker; raced to out when one of the two lets go.</item>
/// <item>out or raced to done: <c>Report</c> of a tally that counts as reported, or that matches the true tally.</item>
/// <item>out to claimed: <c>Report</c> of a tally held for a second opinion; claimed to done when another worker's
/// agrees, to verifying when it differs (or by <c>TakeForVerification</c> when no other worker gives one), to waiting
/// (or out) when its claimant is excluded.</item>
/// <item>out or raced to verifying: <c>Report</c> of a tally held for its true tally; verifying to done when
/// <c>Settle</c> finds a claim right, else to waiting (or out) with the true tally known, by which later claims are
/// judged at once.</item>
/// <item>done to waiting: <c>Exclude</c> of the worker whose tally counted unchecked.</item>
/// </list>
/// A claimed or verifying batch may still be held, by the worker giving the second opinion or one racing a copy.
/// </remarks>
public enum BatchState
{
    /// <summary>Nobody holds it and no claim of it waits: it goes to the next worker that asks.</summary>
    Waiting,

    /// <summary>One worker holds it.</summary>
    Out,

    /// <summary>Two workers hold it: the one it was handed to, late or queued behind its other batches, and a copy.</summary>
    Raced,

    /// <summary>A worker's tally of it waits for a second opinion: another worker's count of the same batch.</summary>
    Claimed,

    /// <summary>Its true tally is being computed on the coordinator's node, to judge the claims of it.</summary>
    Verifying,

    /// <summary>Counted, once.</summary>
    Done,
}
