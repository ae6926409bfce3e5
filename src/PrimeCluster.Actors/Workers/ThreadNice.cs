using System.Runtime.InteropServices;

namespace PrimeCluster.Actors.Workers;

/// <summary>
/// The OS scheduling priority of the calling thread, in nice steps as Linux counts them (0 normal, 19 lowest): on
/// Linux one thread's own, beside the rest of its process; elsewhere .NET's coarser <see cref="ThreadPriority"/>.
/// </summary>
internal static partial class ThreadNice
{
    private const int PriorityOfProcess = 0; // PRIO_PROCESS, which Linux applies to one thread when given its id

    /// <summary>The calling thread's nice, or null where it cannot be read.</summary>
    public static int? Current()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        // getpriority returns -1 for a nice of -1 as for a failure; only errno (cleared before the call) tells them apart.
        var nice = GetPriority(PriorityOfProcess, GetThreadId());
        return nice == -1 && Marshal.GetLastPInvokeError() != 0 ? null : nice;
    }

    /// <summary>
    /// Lowers the calling thread's priority by <paramref name="steps"/> below where it is (capped at 19): lowering is
    /// always allowed, for any user, where raising it again is not. False when the OS refused.
    /// </summary>
    public static bool Lower(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        if (steps == 0)
        {
            return true;
        }

        if (!OperatingSystem.IsLinux())
        {
            Thread.CurrentThread.Priority = steps >= 10 ? ThreadPriority.Lowest : ThreadPriority.BelowNormal;
            return true;
        }

        return Current() is { } nice && SetPriority(PriorityOfProcess, GetThreadId(), Math.Min(19, nice + steps)) == 0;
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();

    [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static partial int GetPriority(int which, int who);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);
}
