using System.Security.Cryptography.X509Certificates;
using PrimeCluster.Actors.Configuration;

namespace PrimeCluster.Actors.Security;

/// <summary>
/// What a node certificate lets its holder be, written by <c>primecluster-node certs --role</c> as the organizational
/// unit (OU) of its subject: <c>seed</c> (a seed, and a worker too) or <c>worker</c>. A certificate without one (made
/// before roles) is a worker's: the seed role is what grants orders, so it must be asked for.
/// </summary>
public static class CertificateRole
{
    public const string Seed = ClusterConfig.SeedRole;
    public const string Worker = ClusterConfig.WorkerRole;

    /// <summary>The attribute type of the subject's organizational unit (RFC 4519).</summary>
    private const string OrganizationalUnit = "2.5.4.11";

    /// <summary>Whether <paramref name="certificate"/>'s subject names the seed role.</summary>
    public static bool AllowsSeed(X509Certificate2 certificate) => OfSubject(certificate) == Seed;

    /// <summary>The role in <paramref name="certificate"/>'s subject: <see cref="Seed"/>, <see cref="Worker"/>, or null for none of them.</summary>
    public static string? OfSubject(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        string? role = null;
        foreach (var name in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (name.HasMultipleElements || name.GetSingleElementType().Value != OrganizationalUnit)
            {
                continue;
            }

            // A subject that names both roles is read as the lesser: nothing this build writes does.
            switch (name.GetSingleElementValue())
            {
                case Worker:
                    return Worker;
                case Seed:
                    role = Seed;
                    break;
            }
        }

        return role;
    }
}
