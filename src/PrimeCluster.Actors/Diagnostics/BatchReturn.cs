namespace PrimeCluster.Actors.Diagnostics;

/// <summary>Why a batch was taken back from a worker: the <c>reason</c> of <c>primecluster_batches_returned_total</c>.</summary>
public enum BatchReturn
{
    /// <summary>Handed back by a worker leaving the cluster.</summary>
    Left,

    /// <summary>Held by a worker that was lost: its actor, or its node, is gone.</summary>
    Lost,

    /// <summary>Held by a worker excluded for a wrong tally.</summary>
    Excluded,
}
