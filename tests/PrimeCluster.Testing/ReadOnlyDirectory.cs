using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PrimeCluster.Testing;

/// <summary>
/// An empty temporary directory nobody may write in, deleted when disposed: mode 0555, and for root, whom modes do not
/// stop, also immutable (<c>chattr +i</c>, which root too must undo before writing).
/// </summary>
public sealed partial class ReadOnlyDirectory : IDisposable
{
    private readonly bool _immutable;

    public ReadOnlyDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"primecluster-read-only-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
        SetMode(UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        if (GetEffectiveUserId() == 0)
        {
            Chattr("+i");
            _immutable = true;
        }
    }

    public string Path { get; }

    public void Dispose()
    {
        if (_immutable)
        {
            Chattr("-i");
        }

        SetMode(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(Path, recursive: true);
    }

    private void SetMode(UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("A read-only directory is made with Unix modes.");
        }

        File.SetUnixFileMode(Path, mode);
    }

    private void Chattr(string flag)
    {
        using var chattr = Process.Start(new ProcessStartInfo("chattr", [flag, Path]) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = chattr.StandardError.ReadToEnd();
        if (!chattr.WaitForExit(10_000) || chattr.ExitCode != 0)
        {
            throw new InvalidOperationException($"chattr {flag} {Path} failed: {error}");
        }
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
