using System.Net.Http.Headers;
using System.Text;
using Akka.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Node.Tests;

/// <summary>A node built by <see cref="NodeHost"/> in this process: Kestrel on a free loopback port, the cluster on another.</summary>
public sealed class NodeUnderTest : IAsyncDisposable
{
    private readonly WebApplication _app;

    private NodeUnderTest(WebApplication app, Uri api, string? token)
    {
        _app = app;
        Http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public HttpClient Http { get; }

    public Uri Api => Http.BaseAddress!;

    /// <summary>The node's address in the cluster.</summary>
    public string ClusterAddress => Akka.Cluster.Cluster.Get(_app.Services.GetRequiredService<Akka.Actor.ActorSystem>()).SelfAddress.ToString();

    /// <param name="seeds">The seeds to join; none for a seed, and a closed port for a worker when not given.</param>
    /// <param name="kernels">The workers' kernels, when not the real ones.</param>
    /// <param name="hocon">Settings laid over the node's configuration.</param>
    public static async Task<NodeUnderTest> StartAsync(string roles = "seed,worker", int workers = 2, string? token = null, string? seeds = null, Func<Algorithm, IPrimeKernel>? kernels = null, string hocon = "")
    {
        var configuration = ClusterConfig.Build(new NodeSettings
        {
            BindHost = "127.0.0.1",
            PublicHost = "127.0.0.1",
            Port = "0",
            Roles = roles,
            Workers = workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Seeds = seeds ?? (roles.Contains("seed", StringComparison.Ordinal) ? string.Empty : "akka.tcp://primecluster@127.0.0.1:1"),
            ApiUrl = "http://127.0.0.1:0",
            ApiToken = token,
        }).WithHocon(ConfigurationFactory.ParseString($"akka.loglevel = WARNING\n{hocon}"));
        var app = NodeHost.Build(configuration, kernels);
        await app.StartAsync();
        var node = new NodeUnderTest(app, new Uri(app.Urls.First()), token);
        return node;
    }

    /// <summary>Waits, at most 30 seconds, for /healthz to answer 200.</summary>
    public async Task WaitUntilUpAsync()
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while ((await Http.GetAsync("/healthz")).StatusCode != System.Net.HttpStatusCode.OK)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException("The node did not come up within 30 seconds.");
            }

            await Task.Delay(100);
        }
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
