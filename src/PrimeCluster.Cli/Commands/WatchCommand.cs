using System.CommandLine;

namespace PrimeCluster.Cli.Commands;

/// <summary><c>primecluster watch ID</c>: follows a running job to its result, or prints a finished one's.</summary>
public static class WatchCommand
{
    public static Command Create(CliContext context, RemoteOptions remote)
    {
        var id = new JobIdArgument();
        var command = new Command("watch", "Follow a job to its result; a finished job's result is printed at once.");
        command.Arguments.Add(id.Id);
        remote.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var jobId = id.Read(parse);
            var next = remote.Next(parse);
            using var client = remote.Connect(parse, context);
            try
            {
                var job = await client.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false) ?? throw JobIdArgument.Unknown(jobId, client);
                return await JobFollower.FollowAndReportAsync(client, job, parse.GetValue(remote.Json), next, context, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Before the job could be followed: still asking a seed that answers 503.
                return JobFollower.StoppedFollowing(jobId, view: null, next, context);
            }
        });

        return command;
    }
}
