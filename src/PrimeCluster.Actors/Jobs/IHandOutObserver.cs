namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// Told of every hand-out a ledger makes and of its end, in order, as <see cref="BatchLedger{TWorker}"/>'s transitions
/// happen: the job's timeline and its speculation follow the ledger this way, without keeping times of their own.
/// </summary>
public interface IHandOutObserver<TWorker>
    where TWorker : notnull
{
    void HandedOut(HandOut<TWorker> handOut);

    void Ended(HandOut<TWorker> handOut);
}
