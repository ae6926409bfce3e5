namespace PrimeCluster.Node.Tests;

/// <summary>
/// A fact that runs only where <c>PRIMECLUSTER_FULL_LOAD=1</c> is set: 25 node processes drive a 2-core machine's load
/// toward 100 and take 5 to 10 minutes there, more than the default test run should spend or impose on others.
/// </summary>
public sealed class FullLoadFactAttribute : FactAttribute
{
    public const string Variable = "PRIMECLUSTER_FULL_LOAD";

    public FullLoadFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            Skip = $"{Variable}=1 runs it (25 node processes, minutes)";
        }
    }
}
