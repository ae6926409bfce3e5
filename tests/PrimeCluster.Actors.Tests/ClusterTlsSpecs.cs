using System.Security.Cryptography.X509Certificates;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Security;
using PrimeCluster.Testing;

namespace PrimeCluster.Actors.Tests;

/// <summary>TLS settings as a node reads them, and the check of a peer's certificate against the cluster's CA.</summary>
public sealed class ClusterTlsSpecs : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create();

    [Fact]
    public void A_node_with_a_certificate_should_speak_akka_ssl_tcp_and_rewrite_its_seeds_to_it()
    {
        var node = ClusterConfig.Build(Tls(_certificates.Node) with { Roles = "worker", Seeds = "akka.tcp://primecluster@seed-1:4053, akka.ssl.tcp://primecluster@seed-2:4053" });

        Assert.NotNull(node.Tls);
        Assert.True(node.Tls.Certificate.HasPrivateKey);
        Assert.Equal("akka.ssl.tcp", node.Protocol);
        Assert.Equal(["akka.ssl.tcp://primecluster@seed-1:4053", "akka.ssl.tcp://primecluster@seed-2:4053"], node.Seeds);
    }

    [Fact]
    public void A_node_without_a_certificate_should_speak_akka_tcp_even_to_seeds_written_with_ssl()
    {
        var node = ClusterConfig.Build(new NodeSettings { Roles = "worker", Seeds = "akka.ssl.tcp://primecluster@seed-1:4053" });

        Assert.Equal(["akka.tcp://primecluster@seed-1:4053"], node.Seeds);
    }

    [Fact]
    public void The_key_may_sit_in_the_certificate_file()
    {
        var both = Path.Combine(_certificates.Directory, "both.pem");
        File.WriteAllText(both, File.ReadAllText(_certificates.Node.CertPath) + File.ReadAllText(_certificates.Node.KeyPath));

        var node = ClusterConfig.Build(new NodeSettings { TlsCert = both, TlsCa = _certificates.AuthorityPath });

        Assert.True(node.Tls!.Certificate.HasPrivateKey);
    }

    [Fact]
    public void An_https_api_should_serve_the_nodes_certificate_and_need_one()
    {
        Assert.Equal("https://127.0.0.1:8443", ClusterConfig.Build(Tls(_certificates.Node) with { ApiUrl = "https://127.0.0.1:8443" }).ApiUrl);

        var error = Assert.Throws<SettingException>(() => ClusterConfig.Build(new NodeSettings { ApiUrl = "https://127.0.0.1:8443" }));

        Assert.Equal("API_URL", error.Setting);
    }

    public static TheoryData<string, string> Mistakes => new()
    {
        { "missing certificate file", "TLS_CERT" },
        { "certificate without key", "TLS_CERT" },
        { "missing key file", "TLS_KEY" },
        { "key of another certificate", "TLS_KEY" },
        { "encrypted key", "TLS_KEY" },
        { "no CA", "TLS_CA" },
        { "CA file that is not a CA", "TLS_CA" },
        { "CA file that is not PEM", "TLS_CA" },
        { "key without certificate", "TLS_KEY" },
        { "CA without certificate", "TLS_CA" },
        { "certificate of another CA", "TLS_CERT" },
        { "expired certificate", "TLS_CERT" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_tls_mistake_should_be_refused_by_the_name_of_its_setting(string mistake, string setting)
    {
        var node = Tls(_certificates.Node);
        var missing = Path.Combine(_certificates.Directory, "missing.pem");
        var settings = mistake switch
        {
            "missing certificate file" => node with { TlsCert = missing },
            "certificate without key" => node with { TlsKey = null },
            "missing key file" => node with { TlsKey = missing },
            "key of another certificate" => node with { TlsKey = _certificates.Expired.KeyPath },
            "encrypted key" => node with { TlsKey = Write("encrypted.key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n") },
            "no CA" => node with { TlsCa = null },
            "CA file that is not a CA" => node with { TlsCa = _certificates.Node.CertPath },
            "CA file that is not PEM" => node with { TlsCa = Write("garbage.crt", "not a certificate") },
            "key without certificate" => new NodeSettings { TlsKey = _certificates.Node.KeyPath },
            "CA without certificate" => new NodeSettings { TlsCa = _certificates.AuthorityPath },
            "certificate of another CA" => Tls(_certificates.Foreign),
            "expired certificate" => Tls(_certificates.Expired),
            _ => throw new ArgumentOutOfRangeException(nameof(mistake), mistake, null),
        };

        var error = Assert.Throws<SettingException>(() => ClusterConfig.Build(settings));

        Assert.Equal(setting, error.Setting);
        Assert.StartsWith($"{setting}: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void The_cluster_ca_should_trust_only_its_own_valid_certificates()
    {
        var authority = new ClusterAuthority(X509Certificate2.CreateFromPem(File.ReadAllText(_certificates.AuthorityPath)));

        Assert.Equal(CertificateVerdict.Trusted, authority.Verify(_certificates.Node.Certificate, out _));
        Assert.Equal(CertificateVerdict.Missing, authority.Verify(null, out var missing));
        Assert.Equal(CertificateVerdict.NotSignedByAuthority, authority.Verify(_certificates.Foreign.Certificate, out var foreign));
        Assert.Equal(CertificateVerdict.Expired, authority.Verify(_certificates.Expired.Certificate, out var expired));
        Assert.Equal("it presented no certificate", missing);
        Assert.Equal("its certificate is not signed by the cluster's CA", foreign);
        Assert.StartsWith("its certificate expired on ", expired, StringComparison.Ordinal);
    }

    [Fact]
    public void A_self_signed_certificate_with_the_cas_name_should_not_pass_for_it()
    {
        var now = DateTimeOffset.UtcNow;
        using var impostor = ClusterCertificates.CreateAuthority("PrimeCluster CA test", now.AddDays(-1), now.AddDays(1));
        var authority = new ClusterAuthority(X509Certificate2.CreateFromPem(File.ReadAllText(_certificates.AuthorityPath)));

        Assert.Equal(CertificateVerdict.NotSignedByAuthority, authority.Verify(impostor, out _));
    }

    public void Dispose() => _certificates.Dispose();

    private NodeSettings Tls(NodeCertificate certificate) =>
        new() { TlsCert = certificate.CertPath, TlsKey = certificate.KeyPath, TlsCa = _certificates.AuthorityPath };

    private string Write(string file, string text)
    {
        var path = Path.Combine(_certificates.Directory, file);
        File.WriteAllText(path, text);
        return path;
    }
}
