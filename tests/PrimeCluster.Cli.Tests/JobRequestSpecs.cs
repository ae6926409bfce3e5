using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Xunit;
using PrimeCluster.Contracts;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;

namespace PrimeCluster.Cli.Tests;

/// <summary>The body of <c>POST /jobs</c>: as this client writes it, and as a seed reads it and refuses it, key by key.</summary>
public sealed class JobRequestSpecs
{
    [Property]
    public void A_job_the_client_sends_should_be_read_by_a_seed_as_the_same_job(DoNotSize<ulong> a, DoNotSize<ulong> b, bool sieve, bool starmap, PositiveInt batches, bool planned, bool acceptCost)
    {
        var range = new NumberRange(Math.Min(a.Item, b.Item), Math.Max(a.Item, b.Item));
        var spec = new JobSpec(range, sieve ? Algorithm.Sieve : Algorithm.Trial, starmap ? SplitStrategy.Starmap : SplitStrategy.Balanced, planned ? null : batches.Item);
        var body = JsonSerializer.SerializeToUtf8Bytes(JobRequest.For(spec, acceptCost), ApiJson.Types.JobRequest);

        var request = JobRequest.Parse(body, out var read, out var error);

        Assert.Null(error);
        Assert.Equal(spec, read);
        Assert.Equal(acceptCost, request!.AcceptCost);
    }

    [Fact]
    public void Numbers_should_go_as_exact_json_integers_and_names_as_the_api_writes_them()
    {
        var spec = new JobSpec(new NumberRange(18446744073709551515, ulong.MaxValue), Algorithm.Sieve, SplitStrategy.Starmap, 3);

        var body = JsonSerializer.Serialize(JobRequest.For(spec), ApiJson.Types.JobRequest);

        Assert.Equal("""{"from":18446744073709551515,"til":18446744073709551615,"algorithm":"sieve","split":"starmap","batches":3,"accept_cost":false}""", body);
    }

    [Theory]
    [InlineData("""{"from": "12", "til": 50, "algorithm": null, "split": null, "batches": null, "accept_cost": null}""", 12, 50)]
    [InlineData("""{"from": 0, "til": "18446744073709551615", "batches": "7"}""", 0, ulong.MaxValue)]
    [InlineData("""{"til": 9, "from": 2, "algorithm": "Sieve"}""", 2, 9)]
    public void Numbers_as_strings_and_nulls_for_the_defaults_should_be_read(string body, ulong from, ulong til)
    {
        JobRequest.Parse(Encoding.UTF8.GetBytes(body), out var spec, out var error);

        Assert.Null(error);
        Assert.Equal((from, til), (spec!.Range.From, spec.Range.Til));
    }

    [Theory]
    [InlineData("""{"til": 5}""", "from", "from is required")]
    [InlineData("""{"from": 0}""", "til", "til is required")]
    [InlineData("""{"from": null, "til": 5}""", "from", "from is required")]
    [InlineData("""{"from": -1, "til": 5}""", "from", "from must not be negative")]
    [InlineData("""{"from": "ten", "til": 5}""", "from", "from must be a whole number from 0 to 18446744073709551615")]
    [InlineData("""{"from": 1.5, "til": 5}""", "from", "from must be a whole number from 0 to 18446744073709551615")]
    [InlineData("""{"from": true, "til": 5}""", "from", "from must be a whole number from 0 to 18446744073709551615")]
    [InlineData("""{"from": {"n": 1}, "til": 5}""", "from", "from must be a whole number from 0 to 18446744073709551615")]
    [InlineData("""{"from": 0, "til": 18446744073709551616}""", "til", "til must be at most 18446744073709551615 (2^64 - 1)")]
    [InlineData("""{"from": 9, "til": 5}""", "from", "from (9) must not exceed til (5)")]
    [InlineData("""{"from": 0, "til": 5, "algorithm": "magic"}""", "algorithm", "algorithm must be trial, sieve or formula")]
    [InlineData("""{"from": 0, "til": 5, "algorithm": 1}""", "algorithm", "algorithm must be trial, sieve or formula")]
    [InlineData("""{"from": 0, "til": 1000000000000001, "algorithm": "formula"}""", "til", "til must be at most 1000000000000000 (10^15) with algorithm formula; algorithm sieve counts any range")]
    [InlineData("""{"from": 0, "til": 5, "split": 3}""", "split", "split must be balanced or starmap")]
    [InlineData("""{"from": 0, "til": 5, "batches": 0}""", "batches", "batches must be a whole number from 1 to 100000000")]
    [InlineData("""{"from": 0, "til": 5, "batches": 100000000000}""", "batches", "batches must be a whole number from 1 to 100000000")]
    [InlineData("""{"from": 0, "til": 5, "batches": 1e40}""", "batches", "batches must be a whole number from 1 to 100000000")]
    [InlineData("""{"from": 0, "til": 5, "accept_cost": "yes"}""", "accept_cost", "accept_cost must be true or false")]
    [InlineData("""{"from": 0, "til": 5, "colour": "red"}""", "colour", "unknown field 'colour'; fields are from, til, algorithm, split, batches, accept_cost")]
    [InlineData("""{"From": 0, "til": 5}""", "From", "unknown field 'From'; fields are from, til, algorithm, split, batches, accept_cost")]
    [InlineData("""{"from": 0, "til": 5, "a b": 1}""", "a b", "unknown field 'a b'; fields are from, til, algorithm, split, batches, accept_cost")]
    [InlineData("""{"from": 0, "til": 20, "til": 18446744073709551615}""", "til", "til is given more than once; give each field once")]
    [InlineData("""{"from": 0, "til": 20, "accept_cost": false, "accept_cost": true}""", "accept_cost", "accept_cost is given more than once; give each field once")]
    [InlineData("""{"from": 0, "til": 5, "algorithm": "sieve", "algorithm": "trial"}""", "algorithm", "algorithm is given more than once; give each field once")]
    [InlineData("""[1, 2]""", "body", "the body must be a JSON object like {\"from\": 0, \"til\": 100000}")]
    [InlineData("""{"from": 0, "til": 5, "algorithm": "\ud800"}""", "body", "the body holds a string that is not valid Unicode (a lone surrogate escape such as \\ud800)")]
    [InlineData("""{"from": 0, "til": 5, "\udfff": 1}""", "body", "the body holds a string that is not valid Unicode (a lone surrogate escape such as \\ud800)")]
    public void Bad_input_should_be_refused_in_one_line_naming_its_key(string body, string field, string message)
    {
        Assert.Null(JobRequest.Parse(Encoding.UTF8.GetBytes(body), out var spec, out var error));

        Assert.Null(spec);
        Assert.Equal(new ErrorResource(message, field), error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("""{"from": 0, "til": """)]
    [InlineData("""{"from": 0, "til": 5}}""")]
    [InlineData("""{"a": [[[[[[[[[[1]]]]]]]]]]}""")]
    public void A_body_that_is_no_json_should_be_refused_as_the_body(string body)
    {
        JobRequest.Parse(Encoding.UTF8.GetBytes(body), out _, out var error);

        Assert.Equal("body", error!.Field);
        Assert.StartsWith("the body is not valid JSON: ", error.Error, StringComparison.Ordinal);
    }
}
