namespace PrimeCluster.Core;

/// <summary>
/// FNV-1a, each whole word folded in at once: a hash that is the same in every process and every build, for what the
/// job journal keeps (the bucket of a job, the fingerprint of its plan). System.IO.Hashing offers no FNV, and any other
/// hash would move the jobs of a journal written before to other buckets and refuse their checkpoints.
/// </summary>
public static class Fnv1a
{
    private const uint Offset32 = 2166136261;
    private const uint Prime32 = 16777619;
    private const ulong Offset64 = 14695981039346656037;
    private const ulong Prime64 = 1099511628211;

    /// <summary>32 bits over the text's UTF-16 code units.</summary>
    public static uint Hash32(ReadOnlySpan<char> text)
    {
        var hash = Offset32;
        foreach (var c in text)
        {
            hash = (hash ^ c) * Prime32;
        }

        return hash;
    }

    /// <summary>64 bits over whole 64-bit words.</summary>
    public static ulong Hash64(ReadOnlySpan<ulong> words)
    {
        var hash = Offset64;
        foreach (var word in words)
        {
            hash = (hash ^ word) * Prime64;
        }

        return hash;
    }
}
