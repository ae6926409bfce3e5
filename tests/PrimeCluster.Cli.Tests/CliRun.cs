using PrimeCluster.Cli.Commands;

namespace PrimeCluster.Cli.Tests;

/// <summary>One invocation of the command line in this process, with what it wrote.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    /// <summary>How long an invocation interrupted at a text waits for it before it is interrupted anyway.</summary>
    private static readonly TimeSpan InterruptBound = TimeSpan.FromSeconds(60);

    public static Task<CliRun> InvokeAsync(params string[] args) => InvokeAsync(new Dictionary<string, string>(), args);

    public static Task<CliRun> InvokeAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        InvokeAsync(environment, input: null, CancellationToken.None, args);

    /// <param name="input">What a user types at a terminal; null for no terminal.</param>
    public static Task<CliRun> InvokeAsync(IReadOnlyDictionary<string, string> environment, string? input, CancellationToken cancellationToken, params string[] args) =>
        InvokeAsync(environment, input, terminal: false, interruptAt: null, cancellationToken, args);

    /// <summary>With stderr on a terminal: progress is one line redrawn in place. Interrupted if it takes over a minute.</summary>
    public static async Task<CliRun> OnTerminalAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var bound = new CancellationTokenSource(InterruptBound);
        return await InvokeAsync(environment, input: null, terminal: true, interruptAt: null, bound.Token, args);
    }

    /// <summary>
    /// Ctrl+C as soon as stderr shows <paramref name="text"/>; if it never does, after a minute, and the test's
    /// assertions on what was written fail.
    /// </summary>
    public static Task<CliRun> InterruptedAtAsync(string text, bool terminal, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        InvokeAsync(environment, input: null, terminal, text, CancellationToken.None, args);

    private static async Task<CliRun> InvokeAsync(
        IReadOnlyDictionary<string, string> environment,
        string? input,
        bool terminal,
        string? interruptAt,
        CancellationToken cancellationToken,
        string[] args)
    {
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (interruptAt is not null)
        {
            interrupt.CancelAfter(InterruptBound);
        }

        using var output = new StringWriter();
        using var error = new WatchedWriter(interruptAt, interrupt);
        var context = CliContext.ForConsole() with
        {
            Out = output,
            Error = error,
            In = new StringReader(input ?? string.Empty),
            InputIsTerminal = input is not null,
            ErrorIsTerminal = terminal,
            Environment = environment.GetValueOrDefault,
        };
        var exitCode = await CliApp.RunAsync(args, context, interrupt.Token);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>A writer that cancels once what was written contains a text.</summary>
    private sealed class WatchedWriter(string? text, CancellationTokenSource interrupt) : StringWriter
    {
        public override void Write(char value)
        {
            base.Write(value);
            Check();
        }

        public override void Write(string? value)
        {
            base.Write(value);
            Check();
        }

        public override void Write(char[] buffer, int index, int count)
        {
            base.Write(buffer, index, count);
            Check();
        }

        private void Check()
        {
            if (text is not null && !interrupt.IsCancellationRequested && GetStringBuilder().ToString().Contains(text, StringComparison.Ordinal))
            {
                // Not in the middle of the command's own write.
                _ = interrupt.CancelAsync();
            }
        }
    }
}
