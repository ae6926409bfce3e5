using static PrimeCluster.Actors.Messages.MonitoringProtocol;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// How a job spreads its batches over the workers that ask, and when it races a copy of a batch: near the end, what is
/// left goes out a fair share at a time, so that no worker sits on batches while another has none; at the very end, a
/// worker races a copy of a batch that is late, and one with nothing of this job left races a copy of a batch waiting
/// at a busy worker rather than wait for that worker to get to it. Like dask's work stealing, apart from the state
/// machine it acts on: it follows the ledger's hand-outs to learn how long a batch takes.
/// </summary>
/// <param name="time">The ledger's clock.</param>
/// <param name="planWorkers">The workers the job's plan was cut for.</param>
internal sealed class SpeculationPolicy<TWorker>(BatchLedger<TWorker> ledger, TimeProvider time, int planWorkers) : IHandOutObserver<TWorker>
    where TWorker : notnull
{
    /// <summary>How long batches of this job are out, from hand-out to result, on average (seconds).</summary>
    private double _averageOut = double.NaN;

    /// <summary>Up to <paramref name="slots"/> waiting batches for the worker: its fair share of what waits.</summary>
    public IReadOnlyList<HandOut<TWorker>> Take(TWorker worker, int slots) =>
        ledger.Take(worker, (int)Math.Clamp(ledger.WaitingEstimate / Math.Max(1, planWorkers), 1, Math.Max(1, slots)));

    /// <summary>A copy for the worker, of a batch that is late or waits behind another at its worker; null when none is.</summary>
    public HandOut<TWorker>? TakeCopy(TWorker worker)
    {
        var emptyHanded = ledger.HeldBy(worker) == 0;
        return ledger.TakeCopy(worker, original => IsOverdue(original) || (emptyHanded && IsQueuedBehindAnother(original)));
    }

    /// <summary>
    /// Out more than twice as long as this job's batches take on average: a worker that slow, or cut off, is worth
    /// racing.
    /// </summary>
    public bool IsOverdue(HandOut<TWorker> handOut) => time.GetElapsedTime(handOut.Timestamp).TotalSeconds > 2 * _averageOut;

    /// <summary>
    /// Out with a worker that holds another batch of this job handed out before it: that worker computes its batches
    /// in turn, so this one has likely not started, and an idle worker that takes a copy now finishes it sooner.
    /// </summary>
    public bool IsQueuedBehindAnother(HandOut<TWorker> handOut) =>
        ledger.HandOutsOf(handOut.Worker).Any(other => other.Sequence < handOut.Sequence);

    public void HandedOut(HandOut<TWorker> handOut)
    {
    }

    /// <summary>A result came: its time out joins the average, unless it raced, as a race's time is a late batch's.</summary>
    public void Ended(HandOut<TWorker> handOut)
    {
        if (handOut is { Outcome: BatchOutcome.Counted or BatchOutcome.Wrong, IsCopy: false, Raced: false })
        {
            var seconds = time.GetElapsedTime(handOut.Timestamp).TotalSeconds;
            _averageOut = double.IsNaN(_averageOut) ? seconds : (0.8 * _averageOut) + (0.2 * seconds);
        }
    }
}
