using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PrimeCluster.Actors.Security;

namespace PrimeCluster.Testing;

/// <summary>A node certificate and its key, as PEM files and loaded.</summary>
public sealed record NodeCertificate(string CertPath, string KeyPath, X509Certificate2 Certificate);

/// <summary>
/// Certificates for tests, as PEM files in a directory of their own: the cluster's CA and a seed's certificate it signed,
/// a worker's, and one without a role (as made before roles); an expired certificate from the same CA; and another CA,
/// with the very same name, and a certificate it signed.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private const string AuthorityName = "PrimeCluster CA test";
    private readonly List<X509Certificate2> _issued = [];

    private TestCertificates(string directory)
    {
        Directory = directory;
        var now = DateTimeOffset.UtcNow;
        var authority = ClusterCertificates.CreateAuthority(AuthorityName, now.AddDays(-30), now.AddDays(30));
        var foreign = ClusterCertificates.CreateAuthority(AuthorityName, now.AddDays(-30), now.AddDays(30));
        AuthorityPath = WriteCertificate("ca.crt", authority);
        ForeignAuthorityPath = WriteCertificate("foreign-ca.crt", foreign);
        Authority = authority;
        Node = Issue("node", CertificateRole.Seed, authority, now.AddMinutes(-5), now.AddDays(1));
        Worker = Issue("worker", CertificateRole.Worker, authority, now.AddMinutes(-5), now.AddDays(1));
        Roleless = Issue("roleless", role: null, authority, now.AddMinutes(-5), now.AddDays(1));
        Expired = Issue("expired", CertificateRole.Seed, authority, now.AddDays(-20), now.AddDays(-1));
        Foreign = Issue("foreign", CertificateRole.Seed, foreign, now.AddMinutes(-5), now.AddDays(1));
    }

    public string Directory { get; }

    /// <summary>The cluster's CA, with its private key.</summary>
    public X509Certificate2 Authority { get; }

    public string AuthorityPath { get; }

    public string ForeignAuthorityPath { get; }

    /// <summary>Signed by the cluster's CA, valid, for localhost and 127.0.0.1, with the seed role (so a worker's too).</summary>
    public NodeCertificate Node { get; }

    /// <summary>As <see cref="Node"/>, with the worker role.</summary>
    public NodeCertificate Worker { get; }

    /// <summary>As <see cref="Node"/>, with no role in its subject, as certificates were made before roles.</summary>
    public NodeCertificate Roleless { get; }

    /// <summary>Signed by the cluster's CA, expired yesterday.</summary>
    public NodeCertificate Expired { get; }

    /// <summary>Signed by another CA of the same name as the cluster's.</summary>
    public NodeCertificate Foreign { get; }

    public static TestCertificates Create() =>
        new(System.IO.Directory.CreateTempSubdirectory("primecluster-certs-").FullName);

    /// <summary>TLS_CERT, TLS_KEY and TLS_CA for a node with <paramref name="certificate"/> in the cluster of this CA.</summary>
    public Dictionary<string, string> Environment(NodeCertificate certificate) => new()
    {
        ["TLS_CERT"] = certificate.CertPath,
        ["TLS_KEY"] = certificate.KeyPath,
        ["TLS_CA"] = AuthorityPath,
    };

    /// <summary>Another certificate of the cluster's CA, for these host names only.</summary>
    public NodeCertificate IssueFor(string name, params string[] hosts)
    {
        var now = DateTimeOffset.UtcNow;
        return Issue(name, CertificateRole.Seed, Authority, now.AddMinutes(-5), now.AddDays(1), hosts);
    }

    public void Dispose()
    {
        foreach (var certificate in _issued)
        {
            certificate.Dispose();
        }

        Authority.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private NodeCertificate Issue(string name, string? role, X509Certificate2 authority, DateTimeOffset notBefore, DateTimeOffset notAfter, params string[] hosts)
    {
        var certificate = role is null
            ? IssueWithoutRole(authority, name, notBefore, notAfter)
            : ClusterCertificates.Issue(authority, name, role, hosts.Length > 0 ? hosts : ["localhost", "127.0.0.1"], notBefore, notAfter);
        _issued.Add(certificate);
        var keyPath = Path.Combine(Directory, $"{name}.key");
        File.WriteAllText(keyPath, ClusterCertificates.PrivateKeyPem(certificate));
        return new NodeCertificate(WriteCertificate($"{name}.crt", certificate), keyPath, certificate);
    }

    /// <summary>A node certificate as builds before roles made them: <c>CN=name</c> and nothing else in its subject.</summary>
    private static X509Certificate2 IssueWithoutRole(X509Certificate2 authority, string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var issued = request.Create(authority, notBefore, notAfter, RandomNumberGenerator.GetBytes(8));
        return issued.CopyWithPrivateKey(key);
    }

    private string WriteCertificate(string file, X509Certificate2 certificate)
    {
        var path = Path.Combine(Directory, file);
        File.WriteAllText(path, ClusterCertificates.CertificatePem(certificate));
        return path;
    }
}
