using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using PrimeCluster.Actors.Messages;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// A job's <see cref="AssignmentToken"/>s: each worker's is a MAC of its actor path (with its incarnation's uid) under a
/// key this job drew at random and never sends, cut to 128 bits. A member that knows another worker's path still cannot
/// compute that worker's token, and the job needs to remember nothing per worker to check one: no state to grow with
/// the workers a forger names, none to forget when a worker goes. A worker that restarts is another incarnation, with
/// another token; a job resumed on another seed has another key, and its workers' tokens come with its assignments.
/// </summary>
internal sealed class AssignmentTokens
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>The token of <paramref name="worker"/>'s assignments.</summary>
    public AssignmentToken For(IActorRef worker)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(worker.Path.ToStringWithUid()), mac);
        return new AssignmentToken(BinaryPrimitives.ReadUInt128LittleEndian(mac));
    }

    /// <summary>Whether <paramref name="token"/> is <paramref name="worker"/>'s, compared in constant time.</summary>
    public bool IsOf(IActorRef worker, AssignmentToken token)
    {
        Span<byte> expected = stackalloc byte[16];
        Span<byte> given = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128LittleEndian(expected, For(worker).Value);
        BinaryPrimitives.WriteUInt128LittleEndian(given, token.Value);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
