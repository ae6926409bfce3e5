using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using PrimeCluster.Actors.Messages;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// A job's <see cref="AssignmentToken"/>s: each worker's is a MAC of its actor path (with its incarnation's uid) under a
/// key this job drew at random and never sends, cut to 128 bits. A member that knows another worker's path still cannot
/// compute that worker's token, and checking one needs nothing remembered per worker: the tokens of the workers handed
/// batches are kept only to spare computing them again (a worker lost is forgotten), and a check for any other worker
/// computes its token and keeps nothing, so no name a forger makes up grows the job. A worker that restarts is another
/// incarnation, with another token; a job resumed on another seed has another key, and its workers' tokens come with
/// its assignments.
/// </summary>
internal sealed class AssignmentTokens
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly Dictionary<IActorRef, AssignmentToken> _handedOut = [];

    /// <summary>The token of the assignments handed to <paramref name="worker"/>.</summary>
    public AssignmentToken HandedTo(IActorRef worker)
    {
        if (!_handedOut.TryGetValue(worker, out var token))
        {
            _handedOut[worker] = token = Compute(worker);
        }

        return token;
    }

    /// <summary>Whether <paramref name="token"/> is <paramref name="worker"/>'s, compared in constant time.</summary>
    public bool IsOf(IActorRef worker, AssignmentToken token)
    {
        Span<byte> expected = stackalloc byte[16];
        Span<byte> given = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128LittleEndian(expected, (_handedOut.TryGetValue(worker, out var known) ? known : Compute(worker)).Value);
        BinaryPrimitives.WriteUInt128LittleEndian(given, token.Value);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>The worker is gone: its token need not be kept (it is the same if the worker comes back).</summary>
    public void Forget(IActorRef worker) => _handedOut.Remove(worker);

    private AssignmentToken Compute(IActorRef worker)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(worker.Path.ToStringWithUid()), mac);
        return new AssignmentToken(BinaryPrimitives.ReadUInt128LittleEndian(mac));
    }
}
