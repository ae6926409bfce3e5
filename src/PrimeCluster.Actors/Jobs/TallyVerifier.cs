using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;

namespace PrimeCluster.Actors.Jobs;

/// <summary>
/// True tallies of batches, by the sieve (by the formula for the formula's batches, which the sieve would take hours
/// over), driven from a thread of its own on the coordinator's node: results are checked without holding up the
/// actors' thread pool, and a trial batch costs a tiny fraction of what it cost its worker.
/// </summary>
/// <remarks>
/// The thread sleeps as soon as it has nothing to do. Behind a blocking collection it spun first: verifying the batches
/// of [1, 3000000] one at a time, 0.26 ms of its CPU a batch against 0.11 ms now, of which the sieve is 0.03 ms.
/// </remarks>
public sealed class TallyVerifier : IDisposable
{
    private readonly Queue<Action> _work = new();
    private bool _disposed;

    public TallyVerifier()
    {
        // Named so that its CPU time can be told apart (/proc keeps the first 15 characters: primecluster-ve).
        new Thread(Run) { IsBackground = true, Name = "primecluster-verifier" }.Start();
    }

    /// <summary>The tallies of <paramref name="ranges"/>, in order; continuations run on the thread pool, not here.</summary>
    /// <param name="algorithm">How the batches were counted, which decides how they are checked.</param>
    public Task<IReadOnlyList<Tally>> CountAsync(IReadOnlyList<NumberRange> ranges, Algorithm algorithm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        IPrimeKernel kernel = algorithm == Algorithm.Formula ? FormulaKernel.Instance : SieveKernel.Instance;
        var result = new TaskCompletionSource<IReadOnlyList<Tally>>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Verify()
        {
            try
            {
                result.TrySetResult(ranges.Select(range => kernel.Count(range.From, range.Til, cancellationToken)).ToList());
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                result.TrySetCanceled(cancellationToken);
            }
            catch (Exception e)
            {
                result.TrySetException(e);
            }
        }

        lock (_work)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _work.Enqueue(Verify);
            Monitor.Pulse(_work);
        }

        return result.Task;
    }

    /// <summary>The thread ends once it has done what was asked before.</summary>
    public void Dispose()
    {
        lock (_work)
        {
            _disposed = true;
            Monitor.Pulse(_work);
        }
    }

    private void Run()
    {
        while (true)
        {
            Action next;
            lock (_work)
            {
                while (_work.Count == 0)
                {
                    if (_disposed)
                    {
                        return;
                    }

                    Monitor.Wait(_work);
                }

                next = _work.Dequeue();
            }

            next();
        }
    }
}
