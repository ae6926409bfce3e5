namespace PrimeCluster.Cli.Commands;

public static class ExitCodes
{
    public const int Done = 0;

    /// <summary>The job failed or was cancelled, or the cluster could not be reached.</summary>
    public const int Failed = 1;

    /// <summary>Bad usage or input; nothing was written to stdout.</summary>
    public const int Usage = 2;
}
