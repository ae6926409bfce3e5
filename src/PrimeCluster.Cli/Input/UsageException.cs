namespace PrimeCluster.Cli.Input;

/// <summary>Bad usage or input: reported as one line on stderr with exit code 2, nothing on stdout.</summary>
public sealed class UsageException(string message) : Exception(message);
