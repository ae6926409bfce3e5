using PrimeCluster.Actors.Security;
using PrimeCluster.Cli.Commands;
using PrimeCluster.Testing;

namespace PrimeCluster.Cli.Tests;

/// <summary>The client against a node whose API is https, with a certificate of the cluster's CA for localhost only.</summary>
public sealed class HttpsApiSpecs(HttpsNodeFixture fixture) : IClassFixture<HttpsNodeFixture>
{
    private string ByName => $"https://localhost:{fixture.Node.Api.Port}";

    private string ByAddress => $"https://127.0.0.1:{fixture.Node.Api.Port}";

    [Fact]
    public async Task The_client_should_trust_the_api_through_the_clusters_ca()
    {
        var status = await Run(ByName, "status", "--ca", fixture.Certificates.AuthorityPath);
        var submit = await CliRun.InvokeAsync(
            new Dictionary<string, string> { [RemoteOptions.UrlVariable] = ByName, [RemoteOptions.CaVariable] = fixture.Certificates.AuthorityPath },
            "submit", "1", "100000");

        Assert.Equal(ExitCodes.Done, status.ExitCode);
        Assert.Contains("akka.ssl.tcp://primecluster@127.0.0.1:", status.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Done, submit.ExitCode);
        Assert.Contains("455189150", submit.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_ca_the_client_should_refuse_and_say_how_to_trust_it()
    {
        var run = await Run(ByName, "status");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.StartsWith($"primecluster: {ByName}/ refused: its certificate is not trusted here", run.Error, StringComparison.Ordinal);
        Assert.Contains("--ca FILE", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Another_clusters_ca_should_not_vouch_for_the_api()
    {
        var run = await Run(ByName, "status", "--ca", fixture.Certificates.ForeignAuthorityPath);

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Equal(
            $"primecluster: {ByName}/ refused: its certificate does not verify against the CA in {fixture.Certificates.ForeignAuthorityPath}: its certificate is not signed by the cluster's CA.",
            run.Error.TrimEnd());
    }

    [Fact]
    public async Task A_certificate_for_another_host_name_should_be_refused()
    {
        var run = await Run(ByAddress, "status", "--ca", fixture.Certificates.AuthorityPath);

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.EndsWith("its certificate is not for the host name '127.0.0.1'.", run.Error.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_ca_file_should_be_bad_usage()
    {
        var run = await Run(ByName, "status", "--ca", "/nonexistent/ca.crt");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("primecluster: --ca: cannot read '/nonexistent/ca.crt'", run.Error, StringComparison.Ordinal);
    }

    private static Task<CliRun> Run(string url, params string[] args) =>
        CliRun.InvokeAsync(new Dictionary<string, string> { [RemoteOptions.UrlVariable] = url }, args);
}

/// <summary>A node with mutual TLS on its cluster port and its API on https, serving a certificate for localhost only.</summary>
public sealed class HttpsNodeFixture : IDisposable
{
    public HttpsNodeFixture()
    {
        Certificates = TestCertificates.Create();
        var certificate = Certificates.IssueFor("api", "localhost");
        var environment = Certificates.Environment(certificate);
        environment["WORKERS"] = "1";

        // The fixture checks the chain only: it asks by address, which the certificate does not name.
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = new ClusterAuthority(Certificates.Authority).ServerCheck(hostName: null, _ => { });
        Node = NodeProcess.Start(environment, https: true, handler);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (!IsUp())
        {
            if (DateTimeOffset.UtcNow > deadline || Node.HasExited)
            {
                throw new TimeoutException($"The node did not come up within a minute:\n{Node.Output}");
            }

            Thread.Sleep(100);
        }
    }

    public TestCertificates Certificates { get; }

    public NodeProcess Node { get; }

    public void Dispose()
    {
        Node.Dispose();
        Certificates.Dispose();
    }

    private bool IsUp()
    {
        try
        {
            return Node.Http.GetAsync("/healthz").GetAwaiter().GetResult().IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
