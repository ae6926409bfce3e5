namespace PrimeCluster.Testing;

/// <summary>
/// The built executables, in their own projects' output folders (same configuration as the tests): each runs with
/// its own dependencies, as it would when published.
/// </summary>
public static class Binaries
{
    public static string Node => Find("PrimeCluster.Node", "primecluster-node.dll");

    public static string Cli => Find("PrimeCluster.Cli", "primecluster.dll");

    private static string Find(string project, string file)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "PrimeCluster.sln")))
        {
            root = root.Parent;
        }

        var path = root is null ? file : Path.Combine(root.FullName, "src", project, "bin", configuration, framework, file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {project} ({configuration}) first: {path} is missing.", path);
    }
}
