namespace PrimeCluster.Core;

/// <summary>Where a job stands: the one type the coordinator, the journal, the API and the client share.</summary>
public enum JobState
{
    /// <summary>Accepted; no batch handed out yet.</summary>
    Queued,

    /// <summary>Batches are handed out.</summary>
    Running,

    /// <summary>Every batch counted: the tally is exact.</summary>
    Done,

    Cancelled,

    Failed,
}

public static class JobStates
{
    /// <summary>The job is over and stays as it is: done, cancelled or failed.</summary>
    public static bool IsTerminal(this JobState state) => state is JobState.Done or JobState.Cancelled or JobState.Failed;

    /// <summary>The lower-case name the API, the metrics and the logs use.</summary>
    public static string Name(this JobState state) => state switch
    {
        JobState.Queued => "queued",
        JobState.Running => "running",
        JobState.Done => "done",
        JobState.Cancelled => "cancelled",
        JobState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
