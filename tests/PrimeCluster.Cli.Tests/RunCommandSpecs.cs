using System.Text.Json;
using PrimeCluster.Cli.Commands;

namespace PrimeCluster.Cli.Tests;

public sealed class RunCommandSpecs
{
    [Fact]
    public async Task Run_should_print_the_result_table()
    {
        var run = await CliRun.InvokeAsync("run", "10", "20");

        Assert.Equal(ExitCodes.Done, run.ExitCode);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("range", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("  checks/s", lines[0], StringComparison.Ordinal);
        Assert.Equal(["10-20", "trial"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..2]);
        Assert.Contains(" 4 ", lines[1], StringComparison.Ordinal);
        Assert.Contains(" 60 ", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_of_the_sieve_should_show_numbers_per_second_not_checks()
    {
        var run = await CliRun.InvokeAsync("run", "1", "1000000", "--algorithm", "sieve");

        Assert.Equal(ExitCodes.Done, run.ExitCode);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith("  numbers/s", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("checks/s", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"\s\d+(\.\d+)?[KMGTPE]?$", lines[1]);
    }

    [Theory]
    [InlineData("primecluster: --batches 1000: [1, 100] holds only 100 numbers, so the job has 100 batches.", 100, "run", "1", "100", "-b", "1000", "--json")]
    [InlineData("primecluster: --batches 6: --split starmap cuts [1, 10] into equal widths, so the job has 5 batches.", 5, "run", "1", "10", "--split", "starmap", "-b", "6", "--json")]
    [InlineData("", 10, "run", "1", "100", "-b", "10", "--json")]
    [InlineData("primecluster: --batches 8: --algorithm formula counts [0, 10000000000] whole, so the job has 1 batch.", 1, "run", "0", "10000000000", "--algorithm", "formula", "-b", "8", "--json")]
    public async Task Batches_the_range_cannot_have_should_be_said_in_one_line_on_stderr(string said, long batches, params string[] args)
    {
        var run = await CliRun.InvokeAsync(args);

        Assert.Equal(ExitCodes.Done, run.ExitCode);
        Assert.Equal(said, run.Error.TrimEnd('\n'));
        Assert.Equal(batches, JsonDocument.Parse(run.Out).RootElement.GetProperty("batches").GetInt64());
    }

    [Theory]
    [InlineData("trial", "balanced")]
    [InlineData("sieve", "starmap")]
    public async Task Run_should_print_one_json_object_with_exact_integers(string algorithm, string split)
    {
        var run = await CliRun.InvokeAsync("run", "1", "200000", "--json", "--algorithm", algorithm, "--split", split, "--workers", "2", "--batches", "8");

        Assert.Equal(ExitCodes.Done, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal(1UL, root.GetProperty("from").GetUInt64());
        Assert.Equal(200_000UL, root.GetProperty("til").GetUInt64());
        Assert.Equal(17_984UL, root.GetProperty("prime_count").GetUInt64());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("check_count").ValueKind);
        Assert.Equal("1711580852", root.GetProperty("check_count").GetRawText());
        Assert.Equal(algorithm, root.GetProperty("algorithm").GetString());
        Assert.Equal(2, root.GetProperty("workers").GetInt32());
        Assert.Equal(8, root.GetProperty("batches").GetInt64());
        Assert.True(root.GetProperty("elapsed_ms").GetDouble() > 0);
        Assert.True(root.GetProperty("checks_per_second").GetDouble() > 0);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task Run_of_the_formula_should_give_the_exact_tuple_of_a_range_beyond_64_bits_of_checks()
    {
        var run = await CliRun.InvokeAsync("run", "1", "100000000000", "--algorithm", "formula", "--json");

        Assert.Equal(ExitCodes.Done, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal(4_118_054_813UL, root.GetProperty("prime_count").GetUInt64());
        Assert.Equal("201467219457774791525", root.GetProperty("check_count").GetRawText());
        Assert.Equal("formula", root.GetProperty("algorithm").GetString());
        Assert.Equal(1, root.GetProperty("batches").GetInt64());
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task Run_should_show_progress_on_stderr_as_plain_lines_when_it_is_not_a_terminal()
    {
        var run = await CliRun.InvokeAsync("run", "1", "200000", "--workers", "2");

        Assert.Equal(ExitCodes.Done, run.ExitCode);
        Assert.StartsWith("range", run.Out, StringComparison.Ordinal);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.Matches("^job [a-z0-9]{10} (queued|running|done): ", line));
        Assert.Matches(@"^job [a-z0-9]{10} done: 100%  1.71G/1.71G checks  (\d+)/\1 batches  .* checks/s  done  2 workers$", lines[^1]);
    }

    [Fact]
    public async Task Run_with_json_on_a_terminal_should_draw_progress_and_clear_it_before_the_result()
    {
        var run = await CliRun.OnTerminalAsync(new Dictionary<string, string>(), "run", "1", "200000", "--json", "--workers", "2");

        Assert.Equal(ExitCodes.Done, run.ExitCode);
        Assert.Equal(17_984UL, JsonDocument.Parse(run.Out).RootElement.GetProperty("prime_count").GetUInt64());
        Assert.Contains("1.71G/1.71G checks", run.Error, StringComparison.Ordinal);
        Assert.EndsWith("2 workers\r\u001b[2K", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', run.Error);
    }

    [Fact]
    public async Task Run_should_write_check_counts_beyond_64_bits_as_exact_json_integers()
    {
        var run = await CliRun.InvokeAsync("run", "18446744073709551515", "18446744073709551615", "--algorithm", "sieve", "--json");

        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal("55340232221268346529", json.RootElement.GetProperty("check_count").GetRawText());
        Assert.Equal(3UL, json.RootElement.GetProperty("prime_count").GetUInt64());
    }

    [Theory]
    [InlineData("sieve", "Sieve", "Starmap")]
    [InlineData("formula", "FORMULA", "balanced")]
    public async Task Algorithm_and_split_names_should_be_taken_in_any_case(string algorithm, string given, string split)
    {
        var run = await CliRun.InvokeAsync("run", "1", "1000", "--algorithm", given, "--split", split, "--json");

        Assert.True(run.ExitCode == ExitCodes.Done, run.Error);
        var root = JsonDocument.Parse(run.Out).RootElement;
        Assert.Equal(algorithm, root.GetProperty("algorithm").GetString());
        Assert.Equal(split.ToLowerInvariant(), root.GetProperty("split").GetString());
        Assert.Equal(168UL, root.GetProperty("prime_count").GetUInt64());
    }

    [Theory]
    [InlineData("Unrecognized command or argument 'sumbit'. Did you mean 'submit'? See 'primecluster --help'.", "sumbit", "1", "100")]
    [InlineData("Unrecognized command or argument 'stauts'. Did you mean 'status'? See 'primecluster --help'.", "stauts")]
    [InlineData("Unrecognized command or argument 'fly'. See 'primecluster --help'.", "fly")]
    [InlineData("unknown option '--algoritm'. Did you mean '--algorithm'? See 'primecluster submit --help'.", "submit", "--algoritm", "sieve", "1", "100")]
    [InlineData("unknown option '--worker'. Did you mean '--workers'? See 'primecluster run --help'.", "run", "1", "100", "--worker", "2")]
    [InlineData("unknown option '--frobnicate'. See 'primecluster run --help'.", "run", "0", "10", "--frobnicate")]
    public async Task A_slip_should_be_answered_with_the_name_it_likely_meant(string said, params string[] args)
    {
        var run = await CliRun.InvokeAsync(args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.Equal($"primecluster: {said}", run.Error.TrimEnd('\n'));
    }

    [Fact]
    public async Task Ctrl_C_should_stop_a_run_with_the_same_exit_code_as_a_submit()
    {
        var run = await CliRun.InterruptedAtAsync(" running: ", terminal: false, new Dictionary<string, string>(), "run", "1", "3000000", "--workers", "1");

        Assert.Equal(ExitCodes.Interrupted, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.EndsWith("primecluster: run interrupted; nothing was counted to the end.\n", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run <FROM> <TIL> [options]", "run")]
    [InlineData("submit <FROM> <TIL> [options]", "submit")]
    [InlineData("watch <ID> [options]", "watch")]
    [InlineData("cancel <ID> [options]", "cancel")]
    public async Task Usage_should_show_the_required_arguments_as_required(string usage, string command)
    {
        var help = await CliRun.InvokeAsync(command, "--help");

        Assert.Equal(ExitCodes.Done, help.ExitCode);
        Assert.Contains($" {usage}\n", help.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("[<", help.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FROM", "run", "abc", "10")]
    [InlineData("FROM", "run", "-5", "10")]
    [InlineData("FROM", "run", "1.5", "10")]
    [InlineData("TIL", "run", "0", "18446744073709551616")]
    [InlineData("FROM (10) must not exceed TIL (5)", "run", "10", "5")]
    [InlineData("TIL is required: primecluster run FROM TIL.", "run", "5")]
    [InlineData("FROM is required: primecluster run FROM TIL.", "run")]
    [InlineData("FROM must be written without separators: 1000000, not '1,000,000'.", "run", "1,000,000")]
    [InlineData("TIL must be written without separators: 2000000, not '2_000_000'.", "submit", "1", "2_000_000")]
    [InlineData("--batches must be written without separators: 1000, not '1,000'.", "run", "0", "10", "-b", "1,000")]
    [InlineData("FROM must be a whole number", "run", "1,00", "10")]
    [InlineData("ID is required: primecluster watch ID.", "watch")]
    [InlineData("--algorithm must be trial, sieve or formula, not 'fast'.", "run", "0", "10", "--algorithm", "fast")]
    [InlineData("TIL must be at most 1000000000000000 (10^15) with --algorithm formula, got 1000000000000001", "run", "0", "1000000000000001", "--algorithm", "formula")]
    [InlineData("TIL must be at most 1000000000000000 (10^15) with --algorithm formula", "submit", "0", "18446744073709551615", "-a", "formula")]
    [InlineData("--split", "run", "0", "10", "--split", "random")]
    [InlineData("--batches", "run", "0", "10", "--batches", "0")]
    [InlineData("--batches", "run", "0", "10", "--batches", "1000000000000")]
    [InlineData("--workers", "run", "0", "10", "--workers", "-1")]
    [InlineData("--frobnicate", "run", "0", "10", "--frobnicate")]
    [InlineData("'11'", "run", "0", "10", "11")]
    [InlineData("'fly'", "fly")]
    [InlineData("--cluster is for commands that talk to a cluster", "--cluster", "http://127.0.0.1:9", "run", "1", "10")]
    [InlineData("--cluster is for a running cluster; bench --embedded counts on this machine", "bench", "--embedded", "--cluster", "http://127.0.0.1:9")]
    [InlineData("--workers sets the workers of an embedded cluster", "bench", "--workers", "2", "--cluster", "http://127.0.0.1:9")]
    public async Task Bad_input_should_exit_2_with_one_line_naming_the_argument_and_nothing_on_stdout(string named, params string[] args)
    {
        var run = await CliRun.InvokeAsync(args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("primecluster: ", run.Error, StringComparison.Ordinal);
        Assert.Contains(named, run.Error, StringComparison.Ordinal);
    }
}
