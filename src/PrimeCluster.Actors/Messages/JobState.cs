namespace PrimeCluster.Actors.Messages;

public enum JobState
{
    Queued,
    Running,
    Done,
    Cancelled,
    Failed,
}

public static class JobStates
{
    public static bool IsFinished(this JobState state) => state is JobState.Done or JobState.Cancelled or JobState.Failed;

    public static string Name(this JobState state) => state.ToString().ToLowerInvariant();
}
