using System.Collections.Concurrent;

namespace PrimeCluster.Actors.Workers;

/// <summary>
/// Dedicated threads for the kernels, one per worker actor, below the node's other threads in the OS's priority:
/// counting never occupies the thread pool the actors run on, and where kernels and the cluster's threads want the
/// same cores (every core computing, several nodes on one host, a container's CPU limit), the OS runs heartbeats and
/// gossip first, so that a node computing flat out still answers the failure detector in time.
/// </summary>
public sealed class ComputeScheduler : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _tasks = [];
    private readonly Thread[] _threads;
    private readonly int _nice;

    /// <param name="nice">How many nice steps below the process the threads run (<see cref="ThreadNice"/>); 0 keeps them level with it.</param>
    public ComputeScheduler(int threads, string name, int nice = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(nice);
        _nice = nice;
        _threads = Enumerable.Range(0, threads).Select(i => new Thread(Run)
        {
            IsBackground = true,
            Name = $"{name}-{i}",
        }).ToArray();

        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    public override int MaximumConcurrencyLevel => _threads.Length;

    public void Dispose() => _tasks.CompleteAdding();

    protected override void QueueTask(Task task) => _tasks.Add(task);

    // Never run a kernel inline on whichever thread happens to wait for it.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks() => _tasks.ToArray();

    private void Run()
    {
        // Lowering a thread's own priority is allowed for any user; should the OS refuse anyway, it computes as before.
        ThreadNice.Lower(_nice);
        foreach (var task in _tasks.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }
}
