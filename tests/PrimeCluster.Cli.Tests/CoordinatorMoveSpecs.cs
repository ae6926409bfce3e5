using System.Text.Json;
using PrimeCluster.Cli.Commands;
using PrimeCluster.Contracts;
using PrimeCluster.Core;

namespace PrimeCluster.Cli.Tests;

/// <summary>
/// While the coordinator moves to another seed, a seed answers 503 for a few seconds; the client waits for it rather
/// than give up. A stand-in seed on loopback plays that part.
/// </summary>
public sealed class CoordinatorMoveSpecs
{
    [Fact]
    public async Task Watch_should_wait_through_503s_and_print_the_job_once_the_coordinator_answers()
    {
        const int unavailableAnswers = 3;
        await using var seed = StandInSeed.Start((_, context, request) =>
            context.Request.Url?.AbsolutePath != $"/jobs/{StandInSeed.JobId}" ? StandInSeed.JsonAsync(context, 404, new ErrorResource("no such job"))
            : request <= unavailableAnswers ? StandInSeed.JsonAsync(context, 503, new ErrorResource("the coordinator did not answer in time"))
            : StandInSeed.JsonAsync(context, 200, StandInSeed.Job(JobState.Done, batchesDone: 16)));

        var run = await CliRun.InvokeAsync(new Dictionary<string, string> { [RemoteOptions.UrlVariable] = seed.Url }, "watch", StandInSeed.JobId, "--json");

        Assert.Equal(ExitCodes.Done, run.ExitCode);
        Assert.Equal("455189150", JsonDocument.Parse(run.Out).RootElement.GetProperty("check_count").GetRawText());
        Assert.Contains("answers 503", run.Error, StringComparison.Ordinal);
        Assert.Equal(unavailableAnswers + 1, seed.Requests);
    }
}
