namespace PrimeCluster.Testing;

/// <summary>
/// A filesystem of its own for a test: a small tmpfs mounted under the temporary directory (which needs root, as CI
/// runs), that the test can fill to the last page and free again. Unmounted and removed when disposed.
/// </summary>
public sealed class SmallFilesystem : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private SmallFilesystem(string path) => Path = path;

    /// <summary>Where it is mounted.</summary>
    public string Path { get; }

    private string Filler => System.IO.Path.Combine(Path, "filler");

    public static async Task<SmallFilesystem> MountAsync(int megabytes)
    {
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException($"mounting a tmpfs needs root; this runs as {Environment.UserName} (CI runs as root)");
        }

        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"primecluster-fs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        var (exit, _, error) = await DotnetProcess.RunProgramAsync("mount", ["-t", "tmpfs", "-o", $"size={megabytes}m,mode=0700", "tmpfs", path], new Dictionary<string, string>(), Bound);
        if (exit != 0)
        {
            Directory.Delete(path);
            throw new InvalidOperationException($"mount -t tmpfs failed ({exit}): {error.Trim()}");
        }

        return new SmallFilesystem(path);
    }

    /// <summary>Writes a file until nothing more fits: every page of the filesystem is taken.</summary>
    public void Fill()
    {
        var chunk = new byte[4096];
        using var filler = new FileStream(Filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true)
            {
                filler.Write(chunk);
            }
        }
        catch (IOException)
        {
            // No space left on device.
        }
    }

    /// <summary>Gives back what <see cref="Fill"/> took.</summary>
    public void Free() => File.Delete(Filler);

    public void Dispose()
    {
        // A node still holding a file open makes the mount busy: detached at once, gone when the last file closes.
        DotnetProcess.RunProgramAsync("umount", ["--lazy", Path], new Dictionary<string, string>(), Bound).GetAwaiter().GetResult();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Still detaching; the directory is empty and left in the temporary directory.
        }
    }
}
