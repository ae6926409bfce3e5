using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace PrimeCluster.Actors.Security;

/// <summary>Why a certificate is not a cluster member's, or <see cref="Trusted"/>.</summary>
public enum CertificateVerdict
{
    Trusted,
    Missing,
    NotSignedByAuthority,
    Expired,
    NotYetValid,
    Invalid,
}

/// <summary>
/// The cluster's own CA, the only root a peer's certificate is checked against: the machine's trust store plays no
/// part, so a certificate from any public CA is as foreign as a self-signed one.
/// </summary>
public sealed class ClusterAuthority
{
    public ClusterAuthority(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        Certificate = certificate;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>
    /// Whether <paramref name="certificate"/> was signed by this CA and is within its validity now, and if not, why, as
    /// a phrase that follows "refused ...: ".
    /// </summary>
    public CertificateVerdict Verify(X509Certificate2? certificate, out string reason)
    {
        if (certificate is null)
        {
            reason = "it presented no certificate";
            return CertificateVerdict.Missing;
        }

        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.Add(Certificate);

        // The cluster's CA publishes no revocation lists (a member is removed by replacing the CA), and a peer's
        // certificate must never make this node fetch anything from addresses the certificate names.
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = DateTime.Now;

        var built = chain.Build(certificate);
        try
        {
            var problems = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
            var root = chain.ChainElements.Count > 0 ? chain.ChainElements[^1].Certificate : null;
            var endsHere = root is not null && root.RawDataMemory.Span.SequenceEqual(Certificate.RawDataMemory.Span);
            (var verdict, reason) = Judge(certificate, built && endsHere, problems);
            return verdict;
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }

    /// <summary>
    /// A check for an HTTPS client of a node's API: the server's certificate must be signed by this CA and, unless
    /// <paramref name="hostName"/> is null, be for that host name. A refusal's reason goes to <paramref name="refused"/>,
    /// for the one line that reports it.
    /// </summary>
    public RemoteCertificateValidationCallback ServerCheck(string? hostName, Action<string> refused)
    {
        ArgumentNullException.ThrowIfNull(refused);
        return (_, certificate, _, errors) =>
        {
            var presented = certificate switch
            {
                null => null,
                X509Certificate2 full => full,
                _ => X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()),
            };
            if (Verify(presented, out var reason) != CertificateVerdict.Trusted)
            {
                refused(reason);
                return false;
            }

            if (hostName is not null && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                refused($"its certificate is not for the host name '{hostName}'");
                return false;
            }

            return true;
        };
    }

    private static (CertificateVerdict, string) Judge(X509Certificate2 certificate, bool endsHere, X509ChainStatusFlags problems)
    {
        const X509ChainStatusFlags foreign = X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.NotSignatureValid;
        var now = DateTime.UtcNow;
        if ((problems & foreign) != 0 || (!endsHere && problems == X509ChainStatusFlags.NoError))
        {
            return (CertificateVerdict.NotSignedByAuthority, "its certificate is not signed by the cluster's CA");
        }

        if (now > certificate.NotAfter.ToUniversalTime())
        {
            return (CertificateVerdict.Expired, $"its certificate expired on {Utc(certificate.NotAfter)}");
        }

        if (now < certificate.NotBefore.ToUniversalTime())
        {
            return (CertificateVerdict.NotYetValid, $"its certificate is not valid before {Utc(certificate.NotBefore)}");
        }

        return problems == X509ChainStatusFlags.NoError && endsHere
            ? (CertificateVerdict.Trusted, string.Empty)
            : (CertificateVerdict.Invalid, $"its certificate does not verify against the cluster's CA ({problems})");
    }

    private static string Utc(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
