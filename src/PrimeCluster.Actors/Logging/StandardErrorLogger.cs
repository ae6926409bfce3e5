namespace PrimeCluster.Actors.Logging;

/// <summary>Akka's fallback logger for a node inside another program, whose stdout is the program's own.</summary>
public sealed class StandardErrorLogger : FallbackLogger
{
    public StandardErrorLogger()
        : base(Console.Error)
    {
    }

    internal StandardErrorLogger(TextWriter writer)
        : base(writer)
    {
    }
}
