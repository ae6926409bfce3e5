using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using PrimeCluster.Actors.Coordination;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;

namespace PrimeCluster.Benchmarks;

/// <summary>
/// The coordinator's bookkeeping for one job, alone: the <see cref="WorkerPool{TWorker}"/>, the
/// <see cref="BatchLedger{TWorker}"/> and the ledger's observers (<see cref="SpeculationPolicy{TWorker}"/>,
/// <see cref="RecentHandOuts{TWorker}"/>) driven as the coordinator and the job's actor drive them, by simulated workers
/// on a fake clock (no actors, no network, no kernels). Each worker holds two batches (prefetch), computes each in about
/// 250 ms (the planner's longest; log-normal, sigma 0.2), and asks for one more with each result; each result is
/// checked (trial's way: verified, then settled by the true tally), and every 150 ms of the fake clock the job takes a
/// checkpoint of its done batches. What is measured is this thread's CPU and the heap: how they grow with the workers.
/// </summary>
/// <remarks>
/// The same loop runs twice for each size: once with the pool and the ledger, once without them (batch indices from
/// a counter), and the difference is theirs; the simulation's own event queue and random numbers are the rest.
/// </remarks>
internal static partial class CoordinatorSimulation
{
    private const int Prefetch = 2;
    private static readonly TimeSpan BatchTime = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(150);
    private static readonly Tally BatchTally = new(1, 1);

    /// <param name="workerCounts">The sizes to simulate, each with a fresh pool and ledger.</param>
    /// <param name="batches">The job's batches: the ledger's plan, however many are handed out.</param>
    /// <param name="handOuts">Hand-outs to simulate at each size; at most <paramref name="batches"/>, which runs the job to its end.</param>
    public static int Run(TextWriter report, IReadOnlyList<int> workerCounts, long batches, long handOuts)
    {
        report.WriteLine(Inv($"job of {batches:N0} batches; {handOuts:N0} hand-outs at each size; {Prefetch} batches held per worker, {BatchTime.TotalMilliseconds:0} ms each"));
        report.WriteLine("| workers | register all (CPU) | per hand-out, pool and ledger (CPU) | per hand-out, simulation alone | allocated per hand-out | heap held, most | heap per worker | end of job (CPU) |");
        report.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var workers in workerCounts)
        {
            var bare = Simulate(workers, batches, handOuts, bookkeeping: false);
            var full = Simulate(workers, batches, handOuts, bookkeeping: true);
            var perHandOut = (full.LoopCpu - bare.LoopCpu) / full.HandOuts;
            report.WriteLine(Inv(
                $"| {workers:N0} | {full.RegisterCpu.TotalMilliseconds:F1} ms | {perHandOut.TotalMicroseconds:F2} µs | {bare.LoopCpu.TotalMicroseconds / bare.HandOuts:F2} µs | {(double)(full.Allocated - bare.Allocated) / full.HandOuts:F0} B | {full.MostHeld / 1048576.0:F1} MiB | {(double)full.MostHeld / workers:F0} B | {(full.EndCpu is { } end ? $"{end.TotalMilliseconds:F0} ms, {full.Counted:N0} counted" : "not reached")} |"));
        }

        return 0;
    }

    private static Figures Simulate(int workerCount, long batches, long handOuts, bool bookkeeping)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var clock = new FakeClock();
        var random = new Random(25);
        var workers = Enumerable.Range(0, workerCount).Select(i => new SimulatedWorker(i, $"host-{i / 2}")).ToArray();
        var job = new JobId("simulated");
        var pool = new WorkerPool<SimulatedWorker>(clock, backupCopies: true, worker => worker.Host);
        var ledger = new BatchLedger<SimulatedWorker>(batches, clock);
        var speculation = new SpeculationPolicy<SimulatedWorker>(ledger, clock, workerCount);
        ledger.Observe(speculation);
        ledger.Observe(new RecentHandOuts<SimulatedWorker>());
        var soFar = Tally.Zero;
        long nextIndex = 0;
        long handedOut = 0;
        long mostHeld = 0;
        var sampleEvery = Math.Max(1, handOuts / 10);

        var cpu = ThreadCpu();
        if (bookkeeping)
        {
            foreach (var worker in workers)
            {
                pool.Register(worker, cores: 2);
            }

            pool.Start(job);
        }

        var registerCpu = ThreadCpu() - cpu;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        cpu = ThreadCpu();
        var finishing = new PriorityQueue<SimulatedWorker, long>(workerCount);
        var nextCheckpoint = CheckpointInterval.Ticks;
        TimeSpan? endStarted = null;

        void HandOut(SimulatedWorker worker, int slots)
        {
            if (!bookkeeping)
            {
                for (var i = 0; i < slots && nextIndex < batches; i++)
                {
                    worker.Held.Enqueue(nextIndex++);
                    handedOut++;
                }
            }
            else if (pool.Dispatch(worker, slots) is { Job: not null } offer)
            {
                IReadOnlyList<HandOut<SimulatedWorker>> taken = offer.Backup
                    ? speculation.TakeCopy(worker) is { } copy ? [copy] : []
                    : speculation.Take(worker, slots);
                if (taken.Count == 0)
                {
                    pool.SetWaiting(job, ledger.HasWaiting);
                }

                foreach (var handOut in taken)
                {
                    worker.Held.Enqueue(handOut.Index);
                }

                handedOut += taken.Count;
            }

            if (worker.Held.Count > 0 && !worker.Busy)
            {
                worker.Busy = true;
                finishing.Enqueue(worker, clock.Now + Duration(random));
            }
        }

        foreach (var worker in workers)
        {
            HandOut(worker, Prefetch);
        }

        // Hand-outs as many as the plan's batches: the job runs to its end, backup copies and all.
        var toTheEnd = handOuts >= batches;
        while ((toTheEnd || handedOut < handOuts) && finishing.TryDequeue(out var worker, out var at))
        {
            clock.Now = at;
            var index = worker.Held.Dequeue();
            worker.Busy = false;
            if (bookkeeping)
            {
                if (ledger.Report(index, worker, BatchTally, TallyCheck.Verify).Outcome == ReportOutcome.Verify
                    && ledger.Settle(index, BatchTally).Counted)
                {
                    soFar += BatchTally;
                }

                while (clock.Now >= nextCheckpoint)
                {
                    ledger.DoneSpans();
                    nextCheckpoint += CheckpointInterval.Ticks;
                }

                if (endStarted is null && !ledger.HasWaiting)
                {
                    endStarted = ThreadCpu() - cpu;
                }

                if (ledger.AllDone)
                {
                    break;
                }
            }

            HandOut(worker, Prefetch - worker.Held.Count);
            if (handedOut / sampleEvery != (handedOut - 1) / sampleEvery)
            {
                // Sampling stops the clock: a full collection is not the simulation's.
                var paused = ThreadCpu();
                mostHeld = Math.Max(mostHeld, GC.GetTotalMemory(forceFullCollection: true) - heapBefore);
                cpu += ThreadCpu() - paused;
            }
        }

        var loopCpu = ThreadCpu() - cpu;
        var figures = new Figures(
            registerCpu,
            loopCpu,
            handedOut,
            GC.GetAllocatedBytesForCurrentThread() - allocated,
            Math.Max(mostHeld, GC.GetTotalMemory(forceFullCollection: true) - heapBefore),
            bookkeeping && ledger.AllDone && endStarted is { } started ? loopCpu - started : null,
            soFar.PrimeCount);
        GC.KeepAlive(pool);
        GC.KeepAlive(ledger);
        return figures;
    }

    private static long Duration(Random random)
    {
        // Log-normal around the batch time: exp(sigma * z) with z standard normal (Box-Muller).
        var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return (long)(BatchTime.Ticks * Math.Exp(0.2 * z));
    }

    /// <summary>This thread's CPU time: what the coordinator's thread would spend, whatever else the machine runs.</summary>
    private static TimeSpan ThreadCpu()
    {
        if (ClockGetTime(ThreadCpuClock, out var time) != 0)
        {
            throw new InvalidOperationException($"clock_gettime failed: {Marshal.GetLastPInvokeError()}");
        }

        return TimeSpan.FromTicks((time.Seconds * TimeSpan.TicksPerSecond) + (time.Nanoseconds / 100));
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <param name="Counted">Batches counted in the job's tally: all of them when it ran to its end.</param>
    private sealed record Figures(TimeSpan RegisterCpu, TimeSpan LoopCpu, long HandOuts, long Allocated, long MostHeld, TimeSpan? EndCpu, ulong Counted);

    /// <summary>A worker as the coordinator knows it: compared by reference, like a local actor's reference.</summary>
    private sealed class SimulatedWorker(int id, string host)
    {
        public int Id { get; } = id;

        public string Host { get; } = host;

        public Queue<long> Held { get; } = new(Prefetch);

        /// <summary>Computing its first held batch, due on the event queue.</summary>
        public bool Busy { get; set; }
    }

    /// <summary>Time that moves only when the simulation says: a timestamp in ticks.</summary>
    private sealed class FakeClock : TimeProvider
    {
        public long Now { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Now;

        public override DateTimeOffset GetUtcNow() => new(Now, TimeSpan.Zero);
    }
}
