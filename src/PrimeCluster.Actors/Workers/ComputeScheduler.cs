using System.Collections.Concurrent;

namespace PrimeCluster.Actors.Workers;

/// <summary>
/// Dedicated threads for the kernels, one per worker actor: counting never occupies the thread pool that remoting,
/// heartbeats and the other actors run on, so a busy node still answers the failure detector in time.
/// </summary>
public sealed class ComputeScheduler : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _tasks = [];
    private readonly Thread[] _threads;

    public ComputeScheduler(int threads, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
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
        foreach (var task in _tasks.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }
}
