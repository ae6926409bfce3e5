using System.Runtime.InteropServices;
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

// Its ports and its journal, before the node listens on anything or joins anyone.
NodeClaims claims;
try
{
    claims = NodeClaims.Take(node);
}
catch (StartFailure e)
{
    await Console.Error.WriteLineAsync($"primecluster-node: {e.Message}");
    return 1;
}

using (claims)
{
    try
    {
        // SIGTERM or Ctrl+C while the node is on its way back into the cluster ends it, rather than the next incarnation.
        // Not disposed: the runtime may still be calling Stop on its own thread once the host has ended the node.
        var stopping = new CancellationTokenSource();
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        var backoff = new RejoinBackoff();
        while (true)
        {
            var started = TimeProvider.System.GetTimestamp();
            var app = NodeHost.Build(node, journal: claims.Journal);

            // A signal taken while there was no host to pass it to (this one was being built) stops the node as well;
            // one taken while the host starts cancels the start, which is no failure.
            var stopWhenTold = stopping.Token.Register(app.Lifetime.StopApplication);
            try
            {
                stopping.Token.ThrowIfCancellationRequested();
                await app.StartAsync();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                await stopWhenTold.DisposeAsync();
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
                return 0;
            }

            var shutdown = Akka.Actor.CoordinatedShutdown.Get(app.Services.GetRequiredService<Akka.Actor.ActorSystem>());
            await app.WaitForShutdownAsync();
            await stopWhenTold.DisposeAsync();
            var reason = shutdown.ShutdownReason;

            // Downed by the cluster (cut off from the seeds, or a seed that came back as a new cluster), or left by every
            // seed (stopped gracefully): a node that can count again once a seed answers joins again as a new incarnation,
            // without anyone restarting it. Said through the host's log, before the host goes.
            var rejoin = reason is Akka.Actor.CoordinatedShutdown.ClusterDowningReason or PrimeCluster.Actors.Hosting.SeedsLeft && !stopping.IsCancellationRequested;
            var wait = rejoin ? backoff.Next(TimeProvider.System.GetElapsedTime(started)) : TimeSpan.Zero;
            if (rejoin)
            {
                var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(NodeHost.LogCategory);
                var (level, what) = reason is PrimeCluster.Actors.Hosting.SeedsLeft ? (LogLevel.Information, "Left the cluster") : (LogLevel.Warning, "Downed by the cluster");
                log.Log(level, "{What}; joining the seeds again in {Seconds:0} s", what, wait.TotalSeconds);
            }

            await app.DisposeAsync();
            if (reason is PrimeCluster.Actors.Coordination.JournalUnreadable unreadable)
            {
                await Console.Error.WriteLineAsync($"primecluster-node: {unreadable.Message}");
                return 1;
            }

            if (!rejoin)
            {
                // Stopped by a failed TLS handshake with a peer it connected to is a failure: supervisors that restart on
                // failure bring the node back.
                return reason is { ExitCode: not 0 } ? 1 : 0;
            }

            try
            {
                await Task.Delay(wait, stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return 0;
            }
        }

        void Stop(PosixSignalContext signal)
        {
            // The host, while there is one, stops the node gracefully; between two of them there is nothing to stop.
            signal.Cancel = true;
            stopping.Cancel();
        }
    }
    catch (Exception e) when (e is IOException or InvalidOperationException or Akka.Configuration.ConfigurationException or AggregateException or Akka.Remote.RemoteTransportException)
    {
        // What the checks above could not foresee: a port taken in the moment since, say.
        await Console.Error.WriteLineAsync($"primecluster-node: could not start: {StartFailureText(e)}");
        return 1;
    }
}

// The first message that says something (a port taken, say), and its root cause, out of the layers Akka.Hosting wraps it in.
static string StartFailureText(Exception e)
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
