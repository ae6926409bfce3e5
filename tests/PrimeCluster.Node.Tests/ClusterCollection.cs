namespace PrimeCluster.Node.Tests;

/// <summary>Specs that time failure detection run alone, not beside specs that keep both cores busy.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster";
}
