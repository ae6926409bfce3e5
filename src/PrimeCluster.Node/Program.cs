using PrimeCluster.Actors.Configuration;
using PrimeCluster.Node;

var (settings, healthCheck, exitCode) = NodeCommandLine.Parse(args, Environment.GetEnvironmentVariable, Console.Out, Console.Error);
if (settings is null)
{
    return exitCode;
}

NodeConfiguration node;
try
{
    if (healthCheck)
    {
        return await HealthProbe.RunAsync(ClusterConfig.BuildApiEndpoint(settings), Console.Error);
    }

    node = ClusterConfig.Build(settings);
}
catch (SettingException e)
{
    await Console.Error.WriteLineAsync($"primecluster-node: {e.Message}");
    return 2;
}

try
{
    while (true)
    {
        var app = NodeHost.Build(node);
        await app.StartAsync();
        var shutdown = Akka.Actor.CoordinatedShutdown.Get(app.Services.GetRequiredService<Akka.Actor.ActorSystem>());
        await app.WaitForShutdownAsync();
        var reason = shutdown.ShutdownReason;

        // Downed by the cluster: cut off from the seeds, or a seed that came back as a new cluster. A node that can
        // count again once the network heals joins again as a new incarnation, without anyone restarting it. Said
        // through the host's log, before the host goes.
        var downed = reason is Akka.Actor.CoordinatedShutdown.ClusterDowningReason;
        if (downed)
        {
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(NodeHost.LogCategory)
                .LogWarning("Downed by the cluster; joining the seeds again in {Seconds:0} s", RejoinDelay.TotalSeconds);
        }

        await app.DisposeAsync();
        if (reason is PrimeCluster.Actors.Coordination.JournalUnreadable unreadable)
        {
            await Console.Error.WriteLineAsync($"primecluster-node: {unreadable.Message}");
            return 1;
        }

        if (!downed)
        {
            // Stopped by a failed TLS handshake with a peer it connected to is a failure: supervisors that restart on
            // failure bring the node back.
            return reason is { ExitCode: not 0 } ? 1 : 0;
        }

        await Task.Delay(RejoinDelay);
    }
}
catch (Exception e) when (e is IOException or InvalidOperationException or Akka.Configuration.ConfigurationException or AggregateException or Akka.Remote.RemoteTransportException)
{
    await Console.Error.WriteLineAsync($"primecluster-node: could not start: {StartFailure(e)}");
    return 1;
}

// The first message that says something (a port taken, say), and its root cause, out of the layers Akka.Hosting wraps it in.
static string StartFailure(Exception e)
{
    var said = e;
    while (said is AggregateException { InnerException: { } inner })
    {
        said = inner;
    }

    var text = said.Message.Replace(" See InnerException for details.", string.Empty, StringComparison.Ordinal).TrimEnd('.');
    var root = said;
    while (root.InnerException is { } inner)
    {
        root = inner;
    }

    return root == said ? text : $"{text}: {root.Message}";
}

internal static partial class Program
{
    /// <summary>A pause before joining again, so that a node downed over and over does not spin.</summary>
    private static readonly TimeSpan RejoinDelay = TimeSpan.FromSeconds(2);
}
