using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PrimeCluster.Actors.Security;
using PrimeCluster.Core.Kernels;
using PrimeCluster.Testing;
using Xunit.Abstractions;

namespace PrimeCluster.Node.Tests;

/// <summary><c>primecluster-node certs</c>, run as a user would, and a cluster started from what it wrote.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CertsCommandSpecs(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();
    private readonly string _directory = Directory.CreateTempSubdirectory("primecluster-certs-command-").FullName;
    private readonly List<NodeProcess> _nodes = [];

    private string Dir => Path.Combine(_directory, "certs");

    [Fact]
    public async Task Certs_should_write_a_ca_and_a_node_certificate_it_signed_with_private_keys_and_say_where_they_go()
    {
        var (exitCode, stdout, stderr) = await Certs(Dir, "--hosts", "seed-1,seed-2,10.0.0.5");

        Assert.Equal(0, exitCode);
        Assert.Empty(stderr);
        using var authority = X509Certificate2.CreateFromPemFile(Path.Combine(Dir, "ca.crt"), Path.Combine(Dir, "ca.key"));
        using var node = X509Certificate2.CreateFromPemFile(Path.Combine(Dir, "node.crt"), Path.Combine(Dir, "node.key"));
        Assert.Equal(CertificateVerdict.Trusted, new ClusterAuthority(authority).Verify(node, out _));
        Assert.True(authority.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.False(node.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(["seed-1", "seed-2", "localhost"], node.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        Assert.Equal([IPAddress.Parse("10.0.0.5"), IPAddress.Loopback], node.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses());
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], node.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
        using var key = node.GetECDsaPublicKey();
        Assert.Equal(256, key!.KeySize);
        Assert.InRange((node.NotAfter.ToUniversalTime() - DateTime.UtcNow).TotalDays, 364, 366);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Dir, "node.key")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Dir, "ca.key")));
        }
        foreach (var (file, use) in new[] { ("ca.crt", "TLS_CA"), ("node.crt", "TLS_CERT"), ("node.key", "TLS_KEY"), ("ca.key", "keep it off the nodes") })
        {
            Assert.Contains(stdout.Split('\n'), line => line.Contains(Path.Combine(Dir, file), StringComparison.Ordinal) && line.Contains(use, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Certs_should_reuse_the_ca_and_refuse_to_overwrite_a_certificate_unless_forced()
    {
        await Certs(Dir);
        var authority = await File.ReadAllTextAsync(Path.Combine(Dir, "ca.crt"));
        var first = await File.ReadAllTextAsync(Path.Combine(Dir, "node.crt"));

        var again = await Certs(Dir);
        var second = await Certs(Dir, "--name", "worker-7", "--days", "30", "--role", "worker");
        var forced = await Certs(Dir, "--force");

        Assert.Equal(2, again.ExitCode);
        Assert.Equal($"primecluster-node certs: '{Path.Combine(Dir, "node.crt")}' exists; pass --force to replace it, or choose another --name.", again.Stderr.TrimEnd());
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(0, forced.ExitCode);
        Assert.Equal(authority, await File.ReadAllTextAsync(Path.Combine(Dir, "ca.crt")));
        Assert.NotEqual(first, await File.ReadAllTextAsync(Path.Combine(Dir, "node.crt")));
        using var ca = X509Certificate2.CreateFromPem(authority);
        using var worker = X509Certificate2.CreateFromPemFile(Path.Combine(Dir, "worker-7.crt"), Path.Combine(Dir, "worker-7.key"));
        Assert.Equal(CertificateVerdict.Trusted, new ClusterAuthority(ca).Verify(worker, out _));
        Assert.Equal("worker-7", worker.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
        Assert.Equal(CertificateRole.Worker, CertificateRole.OfSubject(worker));
    }

    [Fact]
    public async Task Certs_should_write_the_role_into_the_subject_a_worker_unless_asked_for_a_seed()
    {
        var plain = await Certs(Dir, "--name", "plain");
        var seed = await Certs(Dir, "--name", "seed-1", "--role", "seed");
        var unknown = await Certs(Dir, "--name", "admin", "--role", "admin");

        Assert.Equal(0, plain.ExitCode);
        Assert.Equal(0, seed.ExitCode);
        using var plainCertificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(Dir, "plain.crt")));
        using var seedCertificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(Dir, "seed-1.crt")));
        Assert.Equal(CertificateRole.Worker, CertificateRole.OfSubject(plainCertificate));
        Assert.Equal(CertificateRole.Seed, CertificateRole.OfSubject(seedCertificate));
        Assert.Contains("it lets them be seeds", seed.Stdout, StringComparison.Ordinal);
        Assert.Contains("it cannot start a seed", plain.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("'admin'", Assert.Single(unknown.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Dir, "admin.crt")));
    }

    [Fact]
    public async Task Certs_should_keep_the_cas_key_apart_when_asked()
    {
        var authorityDirectory = Path.Combine(_directory, "ca");

        var (exitCode, _, _) = await Certs(Dir, "--ca-dir", authorityDirectory);

        Assert.Equal(0, exitCode);
        Assert.Equal(["ca.crt", "node.crt", "node.key"], Directory.GetFiles(Dir).Select(Path.GetFileName).Order());
        Assert.Equal(["ca.crt", "ca.key"], Directory.GetFiles(authorityDirectory).Select(Path.GetFileName).Order());
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(authorityDirectory, "ca.crt")), await File.ReadAllTextAsync(Path.Combine(Dir, "ca.crt")));
    }

    [Theory]
    [InlineData("--hosts", "not a host")]
    [InlineData("--days", "0")]
    [InlineData("--days", "3651")]
    [InlineData("--name", "../escape")]
    [InlineData("--name", "ca")]
    public async Task Certs_should_refuse_bad_input_in_one_line(string option, string value)
    {
        var (exitCode, stdout, stderr) = await Certs(Dir, option, value);

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.StartsWith("primecluster-node certs: ", stderr, StringComparison.Ordinal);
        Assert.Contains(option, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.False(File.Exists(Path.Combine(Dir, "node.key")));
    }

    [Fact]
    public async Task Certs_should_refuse_a_ca_certificate_without_its_key()
    {
        await Certs(Dir);
        File.Delete(Path.Combine(Dir, "ca.key"));

        var (exitCode, _, stderr) = await Certs(Dir, "--name", "more");

        Assert.Equal(2, exitCode);
        Assert.Contains("ca.key", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nodes_given_what_certs_wrote_should_form_a_cluster_and_count_exactly_over_tls()
    {
        Assert.Equal(0, (await Certs(Dir, "--name", "seed", "--role", "seed")).ExitCode);
        Assert.Equal(0, (await Certs(Dir, "--name", "worker")).ExitCode);
        var tls = Tls(Dir, "seed");
        var authority = new ClusterAuthority(X509Certificate2.CreateFromPem(File.ReadAllText(tls["TLS_CA"])));
        var seed = Start(tls, https: authority, ("CLUSTER_ROLES", "seed"));
        Start(Tls(Dir, "worker"), https: null, ("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), ("CLUSTER_SEEDS", seed.Address));
        Start(Tls(Dir, "worker"), https: null, ("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), ("CLUSTER_SEEDS", seed.Address));
        await SeedApi.WaitUntilAsync("two workers registered", Bound, output, async () =>
            (await SeedApi.ClusterAsync(seed)).GetProperty("totals").GetProperty("workers").GetInt32() == 2);

        var id = await SeedApi.SubmitAsync(seed, """{"from": 1, "til": 500000}""");
        var job = await SeedApi.WaitForFinishedAsync(seed, id, Bound, output);

        var expected = SieveKernel.Instance.Count(1, 500_000);
        Assert.Equal(expected.CheckCount.ToString(CultureInfo.InvariantCulture), job.GetProperty("check_count").GetRawText());
        Assert.Equal(expected.PrimeCount.ToString(CultureInfo.InvariantCulture), job.GetProperty("prime_count").GetRawText());
        Assert.All(await SeedApi.MembersAsync(seed), address => Assert.StartsWith("akka.ssl.tcp://", address, StringComparison.Ordinal));
        Assert.DoesNotContain("refused a cluster connection", seed.Output, StringComparison.Ordinal);

        // The health probe speaks https to a node whose API does, and checks its certificate against TLS_CA.
        var probe = new Dictionary<string, string>(tls) { ["API_URL"] = seed.Api.ToString().TrimEnd('/') };
        Assert.Equal(0, (await NodeProcess.RunToExitAsync(probe, "--healthcheck")).ExitCode);
        var otherCluster = Path.Combine(_directory, "other");
        Assert.Equal(0, (await Certs(otherCluster)).ExitCode);
        var (exitCode, _, stderr) = await NodeProcess.RunToExitAsync(new Dictionary<string, string>(Tls(otherCluster, "node")) { ["API_URL"] = probe["API_URL"] }, "--healthcheck");
        Assert.Equal(1, exitCode);
        Assert.Contains("its certificate is not signed by the cluster's CA", stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            if (!node.HasExited || node.ExitCode != 0)
            {
                output.WriteLine(node.Report);
            }

            node.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> Certs(params string[] args) =>
        NodeProcess.RunToExitAsync(NoEnvironment, ["certs", .. args]);

    private static Dictionary<string, string> Tls(string directory, string name) => new()
    {
        ["TLS_CERT"] = Path.Combine(directory, $"{name}.crt"),
        ["TLS_KEY"] = Path.Combine(directory, $"{name}.key"),
        ["TLS_CA"] = Path.Combine(directory, "ca.crt"),
    };

    /// <param name="https">The API over https, checked against this CA; plain http when null.</param>
    private NodeProcess Start(Dictionary<string, string> tls, ClusterAuthority? https, params (string Name, string Value)[] environment)
    {
        var variables = new Dictionary<string, string>(tls);
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        var handler = new SocketsHttpHandler();
        if (https is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = https.ServerCheck("127.0.0.1", reason => output.WriteLine($"refused the API's certificate: {reason}"));
        }

        var node = NodeProcess.Start(variables, https is not null, handler);
        _nodes.Add(node);
        return node;
    }
}
