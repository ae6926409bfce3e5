using System.Numerics;
using FsCheck;
using FsCheck.Xunit;
using PrimeCluster.Core.Execution;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Core.Planning;

namespace PrimeCluster.Core.Tests.Execution;

/// <summary>The one set of rules a job's input follows, as the command line and the HTTP API word them.</summary>
public sealed class JobInputSpecs
{
    private static readonly JobWording Api = new("from", "til", "algorithm", "split", "batches", QuotesInput: false);
    private static readonly JobWording Cli = new("FROM", "TIL", "--algorithm", "--split", "--batches", QuotesInput: true);

    [Property]
    public void Every_64_bit_number_in_digits_should_be_read_exactly(DoNotSize<ulong> number, bool plus)
    {
        var text = (plus ? "+" : string.Empty) + number.Item.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(NumberProblem.None, JobInput.ReadNumber(text, out var value, out _));
        Assert.Equal(number.Item, value);
    }

    [Property]
    public void A_whole_number_past_either_end_should_be_refused_for_that_end(DoNotSize<ulong> past, bool below)
    {
        var whole = below ? -(BigInteger)past.Item - 1 : (BigInteger)ulong.MaxValue + 1 + past.Item;

        var problem = JobInput.ReadNumber(whole.ToString(System.Globalization.CultureInfo.InvariantCulture), out var value, out var read);

        Assert.Equal(below ? NumberProblem.Negative : NumberProblem.TooLarge, problem);
        Assert.Equal((0UL, whole), (value, read));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData(" 5")]
    [InlineData("0x10")]
    [InlineData("ten")]
    [InlineData("1-2")]
    public void Anything_but_digits_should_be_no_whole_number(string text) =>
        Assert.Equal(NumberProblem.NotWhole, JobInput.ReadNumber(text, out _, out _));

    [Fact]
    public void Digits_longer_than_any_64_bit_number_is_written_should_be_refused_unparsed() =>
        Assert.Equal(NumberProblem.NotWhole, JobInput.ReadNumber(new string('9', 100_000), out _, out _));

    [Theory]
    [InlineData("-1", "from must not be negative", "FROM must not be negative, got -1.")]
    [InlineData("18446744073709551616", "from must be at most 18446744073709551615 (2^64 - 1)", "FROM must be at most 18446744073709551615 (2^64 - 1), got 18446744073709551616.")]
    [InlineData("1.5", "from must be a whole number from 0 to 18446744073709551615", "FROM must be a whole number from 0 to 18446744073709551615, not '1.5'.")]
    public void A_bad_number_should_be_worded_in_each_edges_names(string text, string api, string cli)
    {
        Assert.Equal(new JobRefusal(JobField.From, api), JobInput.Number(JobField.From, text, Api, out _));
        Assert.Equal(new JobRefusal(JobField.From, cli), JobInput.Number(JobField.From, text, Cli, out _));
    }

    [Fact]
    public void A_job_should_be_refused_for_its_first_bad_part_in_each_edges_names()
    {
        Assert.Equal(new JobRefusal(JobField.From, "from (9) must not exceed til (5)"), JobInput.Spec(9, 5, null, null, null, Api, out _));
        Assert.Equal(new JobRefusal(JobField.From, "FROM (9) must not exceed TIL (5)."), JobInput.Spec(9, 5, null, null, null, Cli, out _));
        Assert.Equal(
            new JobRefusal(JobField.Til, $"til must be at most {FormulaKernel.MaxTil} ({FormulaKernel.MaxTilText}) with algorithm formula; algorithm sieve counts any range"),
            JobInput.Spec(0, FormulaKernel.MaxTil + 1, Algorithm.Formula, null, null, Api, out _));
        Assert.Equal(
            new JobRefusal(JobField.Til, $"TIL must be at most {FormulaKernel.MaxTil} ({FormulaKernel.MaxTilText}) with --algorithm formula, got {FormulaKernel.MaxTil + 1}; --algorithm sieve counts any range."),
            JobInput.Spec(0, FormulaKernel.MaxTil + 1, Algorithm.Formula, null, null, Cli, out _));
        Assert.Equal(
            new JobRefusal(JobField.Batches, $"batches must be a whole number from 1 to {PlanOptions.MaxBatches}"),
            JobInput.Spec(0, 5, null, null, 0, Api, out _));
        Assert.Equal(new JobRefusal(JobField.Algorithm, "--algorithm must be trial, sieve or formula, not 'fast'."), JobInput.Algorithm("fast", Cli, out _));
        Assert.Equal(new JobRefusal(JobField.Split, "split must be balanced or starmap"), JobInput.NotAName(JobField.Split, string.Empty, Api));
    }

    [Property]
    public void A_range_in_order_should_make_the_job_with_the_defaults_for_what_is_not_given(DoNotSize<ulong> a, DoNotSize<ulong> b)
    {
        var (from, til) = (Math.Min(a.Item, b.Item), Math.Max(a.Item, b.Item));

        Assert.Null(JobInput.Spec(from, til, null, null, null, Api, out var spec));
        Assert.Equal(new JobSpec(new NumberRange(from, til)), spec);
    }
}
