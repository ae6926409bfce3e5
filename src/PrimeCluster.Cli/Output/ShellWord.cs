namespace PrimeCluster.Cli.Output;

/// <summary>A word of a command line printed for the user to run, as a POSIX shell would read it back.</summary>
public static class ShellWord
{
    private const string Plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=.,:/@%";

    /// <summary>The text as it is when the shell leaves it alone, else in single quotes (a quote in it as <c>'\''</c>).</summary>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length > 0 && text.All(Plain.Contains) ? text : $"'{text.Replace("'", "'\\''", StringComparison.Ordinal)}'";
    }
}
