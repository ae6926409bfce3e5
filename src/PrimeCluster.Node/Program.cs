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
    var app = NodeHost.Build(config);
    await app.StartAsync();
    var shutdown = Akka.Actor.CoordinatedShutdown.Get(app.Services.GetRequiredService<Akka.Actor.ActorSystem>());
    await app.WaitForShutdownAsync();

    // Downed by the cluster (a partition, say) is a failure: supervisors that restart on failure bring the node back.
    return shutdown.ShutdownReason is Akka.Actor.CoordinatedShutdown.ClusterDowningReason ? 1 : 0;
}
catch (Exception e) when (e is IOException or InvalidOperationException or Akka.Configuration.ConfigurationException)
{
    await Console.Error.WriteLineAsync($"primecluster-node: could not start: {e.GetBaseException().Message}");
    return 1;
}
