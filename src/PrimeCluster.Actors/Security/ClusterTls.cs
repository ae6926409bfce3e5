using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using PrimeCluster.Actors.Configuration;
using PrimeCluster.Actors.Logging;

namespace PrimeCluster.Actors.Security;

/// <summary>
/// A node's side of mutual TLS on the cluster transport: its own certificate (with the private key it proves itself
/// with) and the cluster's CA, which every peer's certificate must be signed by.
/// </summary>
public sealed class ClusterTls
{
    public ClusterTls(X509Certificate2 certificate, ClusterAuthority authority)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(authority);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("The node's certificate needs its private key.", nameof(certificate));
        }

        Certificate = certificate;
        Authority = authority;
    }

    public X509Certificate2 Certificate { get; }

    public ClusterAuthority Authority { get; }

    /// <summary>
    /// The check both ends of every cluster connection run on the other's certificate (Akka.Remote's mutual TLS): it must
    /// be signed by the cluster's CA and within its validity. What the TLS library concluded on its own, against the
    /// machine's trust store, plays no part. A refusal is logged in one line, naming the peer and why.
    /// </summary>
    public bool ValidatePeer(X509Certificate2? certificate, X509Chain? chain, string peer, SslPolicyErrors errors, ILoggingAdapter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (Authority.Verify(certificate, out var reason) == CertificateVerdict.Trusted)
        {
            return true;
        }

        // Akka.Remote names a peer that connected here by its socket address, and one this node connects to by its
        // actor system address.
        if (IPEndPoint.TryParse(peer, out var endpoint))
        {
            log.Warning(TransportRefusals.RefusedFrom, endpoint, reason);
        }
        else
        {
            // The transport's own address form ("ssl.tcp://..."), as users see it in Akka's addresses.
            log.Warning(TransportRefusals.RefusedTo, peer.StartsWith("ssl.", StringComparison.Ordinal) ? $"akka.{peer}" : peer, reason);
        }

        return false;
    }

    /// <summary>
    /// Reads TLS_CERT (and its key from TLS_KEY, or from the same file) and TLS_CA, PEM files all, and checks that the
    /// node's own certificate would be accepted by its peers, and, for a <paramref name="seed"/>, that it carries the seed
    /// role (<see cref="CertificateRole"/>); throws <see cref="SettingException"/> naming the setting.
    /// </summary>
    public static ClusterTls Load(string certPath, string? keyPath, bool seed, string caPath)
    {
        var authority = ReadAuthority(caPath);
        var certText = ReadText("TLS_CERT", certPath);
        var certificate = ReadCertificate("TLS_CERT", certPath, certText);
        var withKey = AttachKey(certificate, keyPath is null ? ("TLS_CERT", certPath, certText) : ("TLS_KEY", keyPath, ReadText("TLS_KEY", keyPath)));
        switch (authority.Verify(withKey, out var reason))
        {
            case CertificateVerdict.NotSignedByAuthority:
                throw new SettingException("TLS_CERT", $"'{certPath}' is not signed by the CA in TLS_CA ('{caPath}'); peers would refuse this node.");
            case CertificateVerdict.Expired:
                throw new SettingException("TLS_CERT", $"'{certPath}' expired on {withKey.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC; issue a new one ('primecluster-node certs').");
            case CertificateVerdict.NotYetValid:
                throw new SettingException("TLS_CERT", $"'{certPath}' is not valid before {withKey.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC; is this machine's clock right?");
            case CertificateVerdict.Invalid:
                throw new SettingException("TLS_CERT", $"'{certPath}': {reason}.");
        }

        if (seed && !CertificateRole.AllowsSeed(withKey))
        {
            var what = CertificateRole.OfSubject(withKey) is null
                ? "carries no role (it was made before certificates carried one), so it is a worker's"
                : "is a worker's certificate";
            throw new SettingException("TLS_CERT", $"'{certPath}' {what}, which cannot start a seed; give this node one made with 'primecluster-node certs DIR --role seed' (by the same CA), or drop seed from CLUSTER_ROLES.");
        }

        return new ClusterTls(withKey, authority);
    }

    /// <summary>The cluster's CA from a PEM file (TLS_CA); throws <see cref="SettingException"/> naming the setting.</summary>
    public static ClusterAuthority ReadAuthority(string path)
    {
        var certificate = ReadCertificate("TLS_CA", path, ReadText("TLS_CA", path));
        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        if (constraints is not { CertificateAuthority: true })
        {
            throw new SettingException("TLS_CA", $"'{path}' is not a CA certificate (it lacks the CA basic constraint); give the cluster's ca.crt.");
        }

        return new ClusterAuthority(certificate);
    }

    private static string ReadText(string setting, string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SettingException(setting, $"cannot read '{path}': {e.Message}");
        }
    }

    private static X509Certificate2 ReadCertificate(string setting, string path, string text)
    {
        try
        {
            return X509Certificate2.CreateFromPem(text);
        }
        catch (CryptographicException)
        {
            throw new SettingException(setting, $"'{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }
    }

    /// <summary>The certificate with the private key in <paramref name="source"/>, which must be the key of its public key.</summary>
    private static X509Certificate2 AttachKey(X509Certificate2 certificate, (string Setting, string Path, string Text) source)
    {
        var (setting, path, text) = source;
        if (text.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new SettingException(setting, $"'{path}' holds an encrypted private key; give it unencrypted, in a file only the node's user can read (mode 0600).");
        }

        if (!text.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new SettingException(setting, setting == "TLS_CERT"
                ? $"'{path}' holds no private key; add it to the file or give it in TLS_KEY."
                : $"'{path}' holds no PEM private key.");
        }

        try
        {
            using var combined = X509Certificate2.CreateFromPem(certificate.ExportCertificatePem(), text);

            // Through PKCS#12, so that the key is usable by every platform's TLS, not only where it was imported.
            return X509CertificateLoader.LoadPkcs12(combined.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new SettingException(setting, $"the private key in '{path}' cannot be used with the certificate in TLS_CERT: {e.Message}");
        }
    }
}
