namespace PrimeCluster.Testing;

/// <summary>
/// The built executables, in their own projects' output folders (same configuration as the tests): each runs with
/// its own dependencies, as it would when published.
/// </summary>
public static class Binaries
{
    public static string Node => Find("PrimeCluster.Node", "primecluster-node.dll");

    public static string Cli => Find("PrimeCluster.Cli", "primecluster.dll");

    /// <summary>The checkout these tests were built from: the folder of PrimeCluster.sln, or null outside one.</summary>
    public static string? Repository
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "PrimeCluster.sln")))
            {
                root = root.Parent;
            }

            return root?.FullName;
        }
    }

    private static string Find(string project, string file)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        var path = Repository is not { } root ? file : Path.Combine(root, "src", project, "bin", configuration, framework, file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {project} ({configuration}) first: {path} is missing.", path);
    }
}
