namespace PrimeCluster.Cli.Commands;

public static class ExitCodes
{
    public const int Done = 0;

    /// <summary>The job failed or was cancelled, or the cluster could not be reached.</summary>
    public const int Failed = 1;

    /// <summary>Bad usage or input; nothing was written to stdout.</summary>
    public const int Usage = 2;

    /// <summary>Ctrl+C, for every command: it stopped; a cluster's job it was following keeps running, a run's job ends with it.</summary>
    public const int Interrupted = 130;
}
