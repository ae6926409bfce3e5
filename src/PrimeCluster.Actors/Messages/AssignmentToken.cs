namespace PrimeCluster.Actors.Messages;

/// <summary>
/// What a job hands a worker with its batches and takes back with the worker's results, failures and returns: 128 bits
/// nobody but the job and that worker knows, so that no member can report for another worker. <see cref="None"/>
/// from a job of an earlier build, which hands out none.
/// </summary>
public readonly record struct AssignmentToken(UInt128 Value)
{
    public static readonly AssignmentToken None = default;

    public override string ToString() => Value == UInt128.Zero ? "none" : "(hidden)";
}
