namespace PrimeCluster.Dashboard.Tests;

/// <summary>A browser and node processes at once fill two cores: the browser specs run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string Name = "browser";
}
