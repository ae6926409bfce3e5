using Akka.Hosting;
using PrimeCluster.Actors.Client;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Hosting;
using PrimeCluster.Node;
using PrimeCluster.Node.Api;

var (settings, exitCode) = NodeCommandLine.Parse(args, Environment.GetEnvironmentVariable, Console.Out, Console.Error);
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

var roles = config.GetStringList("akka.cluster.roles");
var apiUrl = config.GetString("primecluster.api.url");
var token = config.GetString("primecluster.api.token", string.Empty);

var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseUrls(apiUrl);
builder.Logging.ClearProviders().AddSimpleConsole(console =>
{
    console.SingleLine = true;
    console.TimestampFormat = "HH:mm:ss.fff ";
});
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
builder.Services.AddAkka(ClusterConfig.SystemName, akka => akka
    .AddPrimeCluster(config)
    .ConfigureLoggers(loggers =>
    {
        loggers.ClearLoggers();
        loggers.AddLogger<AkkaLogForwarder>();
    }));
builder.Services.AddSingleton(services => new CoordinatorClient(services.GetRequiredService<IRequiredActor<CoordinatorKey>>().ActorRef));

var app = builder.Build();
app.UseMiddleware<ApiErrorMiddleware>();
if (token.Length > 0)
{
    app.UseMiddleware<BearerTokenMiddleware>(token);
}
else if (!new Uri(apiUrl).IsLoopback)
{
    app.Logger.LogWarning("The API listens on {Url} without API_TOKEN: anyone who can reach it can submit and cancel jobs", apiUrl);
}

app.MapHealth();
if (roles.Contains(ClusterConfig.SeedRole))
{
    app.MapJobApi();
    app.MapClusterApi();
}

app.Logger.LogInformation("PrimeCluster node with roles {Roles}; API on {Url}", string.Join(", ", roles), apiUrl);
try
{
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is IOException or InvalidOperationException or Akka.Configuration.ConfigurationException)
{
    await Console.Error.WriteLineAsync($"primecluster-node: could not start: {e.GetBaseException().Message}");
    return 1;
}
