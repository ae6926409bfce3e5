using System.CommandLine;
using PrimeCluster.Cli.Output;

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
            var view = (ProgressView?)null;
            try
            {
                var job = await JobFollower.GetAsync(client, jobId, context.Error, cancellationToken).ConfigureAwait(false) ?? throw JobIdArgument.Unknown(jobId, client);
                view = job.IsFinished ? null : ProgressView.For(context, parse.GetValue(remote.Json));
                var finished = await JobFollower.FollowAsync(client, job, view, cancellationToken).ConfigureAwait(false);
                view?.Clear();
                return JobFollower.Report(finished, parse.GetValue(remote.Json), context);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return JobFollower.StoppedFollowing(jobId, view, next, context);
            }
        });

        return command;
    }
}
