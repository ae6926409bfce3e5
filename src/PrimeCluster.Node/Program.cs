using PrimeCluster.Actors.Configuration;
using PrimeCluster.Node;

var (settings, healthCheck, exitCode) = NodeCommandLine.Parse(args, Environment.GetEnvironmentVariable, Console.Out, Console.Error);
if (settings is null)
{
    return exitCode;
}

Akka.Configuration.Config config;
try
{
    config = ClusterConfig.Build(settings);
}
catch (SettingException e)
{
    await Console.Error.WriteLineAsync($"primecluster-node: {e.Message}");
    return 2;
}

if (healthCheck)
{
    return await HealthProbe.RunAsync(config.GetString("primecluster.api.url"), config.GetString("primecluster.api.token", string.Empty), Console.Error);
}

try
{
    while (true)
    {
        var app = NodeHost.Build(config);
        await app.StartAsync();
        var shutdown = Akka.Actor.CoordinatedShutdown.Get(app.Services.GetRequiredService<Akka.Actor.ActorSystem>());
        await app.WaitForShutdownAsync();
        var downed = shutdown.ShutdownReason is Akka.Actor.CoordinatedShutdown.ClusterDowningReason;
        await app.DisposeAsync();
        if (!downed)
        {
            return 0;
        }

        // Downed by the cluster: cut off from the seeds, or a seed that came back as a new cluster. A node that can
        // count again once the network heals joins again as a new incarnation, without anyone restarting it.
        await Console.Error.WriteLineAsync($"primecluster-node: downed by the cluster; joining the seeds again in {RejoinDelay.TotalSeconds:0} s");
        await Task.Delay(RejoinDelay);
    }
}
catch (Exception e) when (e is IOException or InvalidOperationException or Akka.Configuration.ConfigurationException)
{
    await Console.Error.WriteLineAsync($"primecluster-node: could not start: {e.GetBaseException().Message}");
    return 1;
}

internal static partial class Program
{
    /// <summary>A pause before joining again, so that a node downed over and over does not spin.</summary>
    private static readonly TimeSpan RejoinDelay = TimeSpan.FromSeconds(2);
}
