using System.Collections.Concurrent;
using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Google.Protobuf;

namespace PrimeCluster.Actors.Security;

/// <summary>
/// The seal on a request of the client protocol (<see cref="Messages.IClientRequest"/>) that crosses nodes over TLS: the
/// sending seed's certificate and its ECDSA signature of the request's bytes and manifest, appended to the request's
/// protobuf form. A node takes such a request from the wire only under the seal of a certificate of the cluster's CA
/// that carries the seed role (<see cref="CertificateRole"/>), so only the seeds, where the API and its token and cost
/// guard run, give the coordinator orders; a member holding a worker's certificate cannot, whatever it writes.
/// </summary>
/// <remarks>
/// Why a signature and not the connection's certificate: Akka.Remote shows the peer's certificate at the TLS handshake
/// only, and what it tells a receiver of each message (the sender's path in the envelope, the address its handshake
/// claims) is written by the peer itself. Requests are few (submit, cancel, list, subscribe), so a signature each costs
/// nothing that matters; the workers' messages carry none.
/// </remarks>
public sealed class ClientRequestSeal
{
    /// <summary>
    /// The seal's two fields, after the request's own: no message of the schema numbers a field so, and a build that knows
    /// no seal skips them as unknown fields.
    /// </summary>
    public const int SignerField = 1000;

    public const int SignatureField = 1001;

    /// <summary>Certificates whose verdict is kept; beyond, the memory starts afresh (a cluster has a few seeds).</summary>
    private const int KnownSigners = 64;

    private static readonly byte[] Purpose = "primecluster client request\0"u8.ToArray();

    private readonly ClusterAuthority _authority;
    private readonly ByteString? _signer;
    private readonly ECDsa? _key;
    private readonly Lock _signing = new();
    private readonly ConcurrentDictionary<string, Signer> _signers = new(StringComparer.Ordinal);

    /// <param name="authority">The cluster's CA, which every seal's certificate must be signed by.</param>
    /// <param name="signer">The certificate, with its private key, that seals what this node sends; none, none sealed.</param>
    public ClientRequestSeal(ClusterAuthority authority, X509Certificate2? signer)
    {
        ArgumentNullException.ThrowIfNull(authority);
        _authority = authority;
        if (signer is not null)
        {
            _signer = ByteString.CopyFrom(signer.RawDataMemory.Span);
            _key = signer.GetECDsaPrivateKey() ?? throw new ArgumentException("The certificate that seals needs its ECDSA private key.", nameof(signer));
        }
    }

    /// <summary>A node's seal: it seals with its certificate if that carries the seed role, and checks against its CA.</summary>
    public static ClientRequestSeal For(ClusterTls tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        return new ClientRequestSeal(tls.Authority, CertificateRole.AllowsSeed(tls.Certificate) ? tls.Certificate : null);
    }

    /// <summary>The request's bytes with this node's seal after them; on a node without a seed's certificate, as they are.</summary>
    public byte[] Seal(string manifest, byte[] request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_key is null || _signer is null)
        {
            return request;
        }

        byte[] signature;
        lock (_signing)
        {
            signature = _key.SignData(Signed(manifest, request), HashAlgorithmName.SHA256);
        }

        using var buffer = new MemoryStream(request.Length + _signer.Length + signature.Length + 16);
        buffer.Write(request);
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            output.WriteTag(SignerField, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(_signer);
            output.WriteTag(SignatureField, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(signature));
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The request's own bytes, when a seed of this cluster sealed <paramref name="payload"/>; otherwise a
    /// <see cref="SerializationException"/> whose message is the one line that says why.
    /// </summary>
    public byte[] Open(string manifest, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var (length, signer, signature) = Split(manifest, payload);
        if (signer is null || signature is null)
        {
            throw Refused(manifest, "it carries no seed's seal (its sender's certificate is no seed's, or it was sent by a build without seals)");
        }

        var request = payload.AsSpan(0, length).ToArray();
        var certificate = SeedCertificate(manifest, signer);
        using var key = certificate.GetECDsaPublicKey();
        if (key is null || !key.VerifyData(Signed(manifest, request), signature.Span, HashAlgorithmName.SHA256))
        {
            throw Refused(manifest, "its seal's signature does not verify");
        }

        return request;
    }

    private static byte[] Signed(string manifest, ReadOnlySpan<byte> request)
    {
        var name = Encoding.UTF8.GetBytes(manifest + "\0");
        var signed = new byte[Purpose.Length + name.Length + request.Length];
        Purpose.CopyTo(signed, 0);
        name.CopyTo(signed, Purpose.Length);
        request.CopyTo(signed.AsSpan(Purpose.Length + name.Length));
        return signed;
    }

    /// <summary>Where the request's own fields end, and the seal's two fields, which must come after all of them.</summary>
    private static (int Length, ByteString? Signer, ByteString? Signature) Split(string manifest, byte[] payload)
    {
        try
        {
            var input = new CodedInputStream(payload);
            int? sealStart = null;
            ByteString? signer = null;
            ByteString? signature = null;
            while (true)
            {
                var at = (int)input.Position;
                var tag = input.ReadTag();
                if (tag == 0)
                {
                    return (sealStart ?? payload.Length, signer, signature);
                }

                var field = WireFormat.GetTagFieldNumber(tag);
                var delimited = WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited;
                if (delimited && field == SignerField && signer is null)
                {
                    sealStart ??= at;
                    signer = input.ReadBytes();
                }
                else if (delimited && field == SignatureField && signature is null)
                {
                    sealStart ??= at;
                    signature = input.ReadBytes();
                }
                else if (sealStart is not null)
                {
                    throw Refused(manifest, "it carries fields after its seal");
                }
                else
                {
                    input.SkipLastField();
                }
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new SerializationException($"a '{manifest}' message that cannot be read: {e.Message}", e);
        }
    }

    /// <summary>The certificate a seal names, if it is a seed's of this cluster and valid now; the verdict is kept.</summary>
    private X509Certificate2 SeedCertificate(string manifest, ByteString signer)
    {
        var id = Convert.ToHexString(SHA256.HashData(signer.Span));
        if (!_signers.TryGetValue(id, out var known) || (known.Certificate is { } kept && DateTime.Now > kept.NotAfter))
        {
            if (_signers.Count >= KnownSigners)
            {
                _signers.Clear();
            }

            known = Judge(signer);
            _signers[id] = known;
        }

        return known.Certificate ?? throw Refused(manifest, known.Refusal!);
    }

    private Signer Judge(ByteString signer)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(signer.Span);
        }
        catch (CryptographicException)
        {
            return new Signer(null, "its seal names no certificate");
        }

        if (_authority.Verify(certificate, out var reason) != CertificateVerdict.Trusted)
        {
            certificate.Dispose();
            return new Signer(null, $"its seal's certificate is no member's: {reason.Replace("its certificate ", "it ", StringComparison.Ordinal)}");
        }

        if (!CertificateRole.AllowsSeed(certificate))
        {
            certificate.Dispose();
            return new Signer(null, "its seal's certificate is a worker's, not a seed's");
        }

        return new Signer(certificate, null);
    }

    private static SerializationException Refused(string manifest, string reason) =>
        new($"a '{manifest}' request of the client protocol refused: {reason}");

    private sealed record Signer(X509Certificate2? Certificate, string? Refusal);
}
