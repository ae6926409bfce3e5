namespace PrimeCluster.Core.Tests;

/// <summary>The hash of what the job journal keeps: its values may never change, or journals written before are misread.</summary>
public sealed class Fnv1aSpecs
{
    [Fact]
    public void Hash32_should_be_fnv_1a_as_published() =>
        Assert.Equal([0x811C9DC5u, 0xE40C292Cu, 0xBF9CF968u], new[] { Fnv1a.Hash32(string.Empty), Fnv1a.Hash32("a"), Fnv1a.Hash32("foobar") });

    [Fact]
    public void Values_kept_in_journals_should_stay_what_they_were()
    {
        Assert.Equal(4145587987u, Fnv1a.Hash32("k7m2x9q0fa"));
        Assert.Equal(12762358247938308047UL, Fnv1a.Hash64([0, 1, 2, 3, 4, 5, 6, 7, 8]));
    }
}
