using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using PrimeCluster.Actors.Security;

namespace PrimeCluster.Node;

/// <summary>
/// <c>primecluster-node certs DIR</c>: the cluster's CA (made once, then reused) and a node certificate signed by it,
/// as PEM files, without openssl.
/// </summary>
internal static partial class CertsCommand
{
    public const int MaxDays = 3650;
    private const string AuthorityFile = "ca";

    private static readonly TimeSpan AuthorityLifetime = TimeSpan.FromDays(MaxDays);
    private static readonly UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly UnixFileMode Public = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var directory = new Argument<string>("DIR") { Description = "Where the files go; created if missing. A CA already there (ca.crt and ca.key) signs the new certificate." };
        var hosts = new Option<string?>("--hosts") { Description = "Host names and addresses the certificate is for, comma-separated (localhost and 127.0.0.1 are always added).", HelpName = "h1,h2,..." };
        var name = new Option<string>("--name") { Description = "Name of the certificate and of its files, NAME.crt and NAME.key.", DefaultValueFactory = _ => "node" };
        var days = new Option<int>("--days") { Description = $"Days the certificate is valid, 1 to {MaxDays}.", DefaultValueFactory = _ => 365 };
        var role = new Option<string>("--role")
        {
            Description = $"What the certificate lets a node be: '{CertificateRole.Seed}' (a seed, which takes orders from the API, and a worker) or '{CertificateRole.Worker}'.",
            DefaultValueFactory = _ => CertificateRole.Worker,
            HelpName = $"{CertificateRole.Seed}|{CertificateRole.Worker}",
        };
        var force = new Option<bool>("--force") { Description = "Replace NAME.crt and NAME.key if they exist." };
        var caDirectory = new Option<string?>("--ca-dir")
        {
            Description = "Where the CA's ca.crt and ca.key live (default DIR), to keep ca.key out of what the nodes mount; ca.crt is copied to DIR.",
            HelpName = "CADIR",
        };
        var command = new Command("certs", "Make the cluster's CA (once; reused after) and a node certificate signed by it, for TLS_CERT, TLS_KEY and TLS_CA.")
        {
            directory, hosts, name, role, days, force, caDirectory,
        };
        command.SetAction(parse =>
        {
            try
            {
                var target = parse.GetValue(directory)!;
                Run(target, parse.GetValue(caDirectory) ?? target, parse.GetValue(hosts), parse.GetValue(name)!, parse.GetValue(role)!, parse.GetValue(days), parse.GetValue(force), output);
                return 0;
            }
            catch (CertsException e)
            {
                error.WriteLine($"primecluster-node certs: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static void Run(string directory, string authorityDirectory, string? hostList, string name, string role, int days, bool force, TextWriter output)
    {
        if (!FileName().IsMatch(name) || name == AuthorityFile)
        {
            throw new CertsException($"--name must be letters, digits, '.', '-' or '_' (and not '{AuthorityFile}'), not '{name}'.");
        }

        if (role is not (CertificateRole.Seed or CertificateRole.Worker))
        {
            throw new CertsException($"--role must be '{CertificateRole.Seed}' or '{CertificateRole.Worker}', not '{role}'.");
        }

        if (days is < 1 or > MaxDays)
        {
            throw new CertsException($"--days must be a whole number from 1 to {MaxDays}, not {days}.");
        }

        var hosts = Hosts(hostList);
        foreach (var folder in new[] { directory, authorityDirectory }.Where(File.Exists))
        {
            throw new CertsException($"'{folder}' is a file, not a directory.");
        }

        var certPath = Path.Combine(directory, $"{name}.crt");
        var keyPath = Path.Combine(directory, $"{name}.key");
        if (!force && (File.Exists(certPath) || File.Exists(keyPath)))
        {
            throw new CertsException($"'{(File.Exists(certPath) ? certPath : keyPath)}' exists; pass --force to replace it, or choose another --name.");
        }

        try
        {
            Directory.CreateDirectory(directory);
            Directory.CreateDirectory(authorityDirectory);
            var now = DateTimeOffset.UtcNow;
            var (authority, made) = LoadOrCreateAuthority(authorityDirectory, now);
            using (authority)
            {
                var notAfter = now.AddDays(days);
                if (notAfter > authority.NotAfter.ToUniversalTime())
                {
                    throw new CertsException($"--days {days} would outlive the CA in '{Path.Combine(authorityDirectory, "ca.crt")}', which expires on {authority.NotAfter.ToUniversalTime():yyyy-MM-dd}.");
                }

                using var certificate = ClusterCertificates.Issue(authority, name, role, hosts, now - ClusterCertificates.ClockSkew, notAfter);
                Write(keyPath, ClusterCertificates.PrivateKeyPem(certificate), Private);
                Write(certPath, ClusterCertificates.CertificatePem(certificate), Public);
                if (Path.GetFullPath(authorityDirectory) != Path.GetFullPath(directory))
                {
                    Write(Path.Combine(directory, $"{AuthorityFile}.crt"), ClusterCertificates.CertificatePem(authority), Public);
                }

                Report(output, directory, authorityDirectory, name, role, hosts, certificate, authority, made);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new CertsException(e.Message);
        }
    }

    /// <summary>The CA in DIR, with its key; or a new one, written there, when DIR has none.</summary>
    private static (X509Certificate2 Authority, bool Made) LoadOrCreateAuthority(string directory, DateTimeOffset now)
    {
        var certPath = Path.Combine(directory, $"{AuthorityFile}.crt");
        var keyPath = Path.Combine(directory, $"{AuthorityFile}.key");
        var (hasCert, hasKey) = (File.Exists(certPath), File.Exists(keyPath));
        if (hasCert != hasKey)
        {
            throw new CertsException($"'{(hasCert ? certPath : keyPath)}' is there without '{(hasCert ? keyPath : certPath)}': a CA needs both to sign; restore the missing file, or move the other away to make a new CA (whose certificates the old one's nodes will refuse).");
        }

        if (hasCert)
        {
            X509Certificate2 existing;
            try
            {
                existing = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            }
            catch (CryptographicException e)
            {
                throw new CertsException($"cannot read the CA in '{certPath}' and '{keyPath}': {e.Message}");
            }

            if (existing.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            {
                existing.Dispose();
                throw new CertsException($"'{certPath}' is not a CA certificate.");
            }

            if (existing.NotAfter.ToUniversalTime() <= now)
            {
                existing.Dispose();
                throw new CertsException($"the CA in '{certPath}' expired on {existing.NotAfter.ToUniversalTime():yyyy-MM-dd}; move ca.crt and ca.key away to make a new one, and issue every node a new certificate.");
            }

            return (existing, false);
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var made = ClusterCertificates.CreateAuthority($"PrimeCluster CA {id}", now - ClusterCertificates.ClockSkew, now + AuthorityLifetime);
        Write(keyPath, ClusterCertificates.PrivateKeyPem(made), Private);
        Write(certPath, ClusterCertificates.CertificatePem(made), Public);
        return (made, true);
    }

    private static List<string> Hosts(string? list)
    {
        var given = (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var host in given.Where(h => Uri.CheckHostName(h) == UriHostNameType.Unknown))
        {
            throw new CertsException($"--hosts: '{host}' is not a host name or IP address.");
        }

        return given.Concat(["localhost", "127.0.0.1"]).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Writes beside the target and moves into place, so that a private key is never readable by others, even for a moment.</summary>
    private static void Write(string path, string text, UnixFileMode mode)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
            {
                writer.Write(text);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static void Report(TextWriter output, string directory, string authorityDirectory, string name, string role, List<string> hosts, X509Certificate2 certificate, X509Certificate2 authority, bool madeAuthority)
    {
        var (caCert, caKey) = (Path.Combine(directory, "ca.crt"), Path.Combine(authorityDirectory, "ca.key"));
        var (cert, key) = (Path.Combine(directory, $"{name}.crt"), Path.Combine(directory, $"{name}.key"));
        var until = certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        output.WriteLine($"{cert}: {certificate.Subject}, a {role}'s, for {string.Join(", ", hosts)}; valid until {until}; signed by {(madeAuthority ? "a new" : "the")} CA in {Path.Combine(authorityDirectory, "ca.crt")} ({authority.Subject}).");
        output.WriteLine();
        var width = new[] { caCert, cert, key, caKey }.Max(f => f.Length);
        output.WriteLine($"  {caCert.PadRight(width)}  TLS_CA on every node (and --ca for the client, when the API is https)");
        output.WriteLine($"  {cert.PadRight(width)}  TLS_CERT on the nodes it is for (several may share it){(role == CertificateRole.Seed ? "; it lets them be seeds" : "; it cannot start a seed")}");
        output.WriteLine($"  {key.PadRight(width)}  TLS_KEY beside it; readable by its owner only");
        output.WriteLine($"  {caKey.PadRight(width)}  keep it off the nodes: whoever holds it can mint members of the cluster");
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex FileName();

    private sealed class CertsException(string message) : Exception(message);
}
