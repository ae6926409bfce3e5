using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace PrimeCluster.Node.Dashboard;

/// <summary>
/// The dashboard's files, compiled into the node as resources named <c>dashboard/FILE</c>: a node serves its page with
/// nothing beside its binaries, in a container as on a laptop.
/// </summary>
internal sealed class DashboardAssets
{
    private const string Prefix = "dashboard/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".txt"] = "text/plain; charset=utf-8",
    }.ToFrozenDictionary();

    private readonly FrozenDictionary<string, Asset> _assets;

    private DashboardAssets(FrozenDictionary<string, Asset> assets) => _assets = assets;

    public static DashboardAssets Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var file = name[Prefix.Length..];
            if (ContentTypes.TryGetValue(Path.GetExtension(file), out var type))
            {
                var bytes = Read(assembly, name);
                assets[file] = new Asset(bytes, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
            }
        }

        return new DashboardAssets(assets.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public bool TryGet(string file, out Asset asset) => _assets.TryGetValue(file, out asset!);

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>One file: its bytes, its content type, and an ETag from its content.</summary>
    internal sealed record Asset(byte[] Bytes, string ContentType, string ETag);
}
