using System.Net;
using PrimeCluster.Cli.Commands;
using PrimeCluster.Contracts;
using PrimeCluster.Core;

namespace PrimeCluster.Cli.Tests;

/// <summary>
/// What the user is told to do next about a job they stop following, leave running, or lose sight of when its seed
/// dies: the commands printed talk to the cluster the user named. A stand-in seed on loopback plays the seed.
/// </summary>
public sealed class FollowingSpecs
{
    private const string Id = StandInSeed.JobId;

    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Theory]
    [InlineData("submit", "1", "100000")]
    [InlineData("watch", Id)]
    public async Task Losing_the_seed_while_following_should_end_the_progress_line_and_say_how_to_follow_the_job_again(params string[] command)
    {
        await using var seed = StandInSeed.Start((seed, context, _) => Answer(seed, context, dieAfterEvents: true));

        var run = await CliRun.OnTerminalAsync(NoEnvironment, [.. command, "--cluster", seed.Url]);

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Empty(run.Out);
        var lines = run.Error.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Contains("6/16 batches", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("2 workers", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"primecluster: lost the connection to the seed at {seed.Url} while following job {Id} (", lines[1], StringComparison.Ordinal);
        Assert.EndsWith($"follow it again with: primecluster watch {Id} --cluster {seed.Url}, or with another seed's URL as --cluster.", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("Start a node", run.Error, StringComparison.Ordinal);
        Assert.Empty(lines[2]);
    }

    [Fact]
    public async Task Ctrl_C_should_give_the_cancel_command_for_the_cluster_the_user_named_quoted_for_a_shell()
    {
        await using var seed = StandInSeed.Start((seed, context, _) => Answer(seed, context, dieAfterEvents: false));

        // A shell would cut this URL at the '&' unless it is quoted.
        var url = $"{seed.Url}?from=test&to=seed";
        var run = await CliRun.InterruptedAtAsync($"job {Id} running:", terminal: false, NoEnvironment, "submit", "1", "100000", "--cluster", url);

        Assert.Equal(ExitCodes.Interrupted, run.ExitCode);
        Assert.EndsWith($"it keeps running. Cancel it with: primecluster cancel {Id} --cluster '{url}'\n", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detach_should_give_the_watch_command_with_the_cluster_and_ca_only_when_the_user_named_them()
    {
        await using var seed = StandInSeed.Start((seed, context, _) => Answer(seed, context, dieAfterEvents: false));

        var named = await CliRun.InvokeAsync(NoEnvironment, "submit", "1", "100000", "--detach", "--cluster", seed.Url, "--ca", "certs/cluster ca.crt");
        var fromEnvironment = await CliRun.InvokeAsync(new Dictionary<string, string> { [RemoteOptions.UrlVariable] = seed.Url }, "submit", "1", "100000", "--detach");

        Assert.Equal($"primecluster: job {Id} submitted; follow it with: primecluster watch {Id} --cluster {seed.Url} --ca 'certs/cluster ca.crt'", named.Error.TrimEnd());
        Assert.Equal($"primecluster: job {Id} submitted; follow it with: primecluster watch {Id}", fromEnvironment.Error.TrimEnd());
        Assert.Equal(Id, named.Out.Trim());
    }

    /// <summary>A seed with one running job, whose event stream sends two moves and then stays open, or the seed dies.</summary>
    private static async Task Answer(StandInSeed seed, HttpListenerContext context, bool dieAfterEvents)
    {
        switch (context.Request.HttpMethod, context.Request.Url?.AbsolutePath)
        {
            case ("POST", "/jobs"):
                await StandInSeed.JsonAsync(context, 202, StandInSeed.Job(JobState.Running, batchesDone: 0));
                break;
            case ("GET", $"/jobs/{Id}"):
                await StandInSeed.JsonAsync(context, 200, StandInSeed.Job(JobState.Running, batchesDone: 0));
                break;
            case ("GET", $"/jobs/{Id}/events"):
                await StandInSeed.EventsAsync(context, StandInSeed.Job(JobState.Running, batchesDone: 5), StandInSeed.Job(JobState.Running, batchesDone: 6));
                if (dieAfterEvents)
                {
                    seed.Die();
                }

                break;
            default:
                await StandInSeed.JsonAsync(context, 404, new ErrorResource("not found"));
                break;
        }
    }
}
