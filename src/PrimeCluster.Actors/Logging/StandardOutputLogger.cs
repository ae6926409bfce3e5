namespace PrimeCluster.Actors.Logging;

/// <summary>Akka's fallback logger for primecluster-node, whose log goes to stdout.</summary>
public sealed class StandardOutputLogger() : FallbackLogger(Console.Out);
