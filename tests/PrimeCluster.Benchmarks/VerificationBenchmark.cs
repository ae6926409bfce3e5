using System.Globalization;

namespace PrimeCluster.Benchmarks;

/// <summary>
/// What checking every trial result costs the cluster: a seed and two worker processes (one worker actor each) run
/// trial jobs on [1, 1000000] and [1, 3000000], first with every result verified, then with none. The CPU time of the
/// seed's verifier thread, of the seed process and of the worker processes is read from /proc around the jobs.
/// </summary>
public static class VerificationBenchmark
{
    /// <summary>Thread names as Linux keeps them, cut to 15 characters: primecluster-verifier and primecluster-worker-N.</summary>
    private const string VerifierThread = "primecluster-ve";

    private const string KernelThreads = "primecluster-wo";

    private static readonly (int Til, int Jobs)[] Ranges = [(1_000_000, 5), (3_000_000, 2)];

    public static async Task<int> RunAsync(TextWriter report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var seedCpuPerSecond = new Dictionary<(double Share, int Til), double>();
        foreach (var share in new[] { 1.0, 0.0 })
        {
            var config = Path.Combine(Path.GetTempPath(), $"primecluster-verify-{Guid.NewGuid():N}.hocon");
            await File.WriteAllTextAsync(config, Inv($"primecluster.verify.trial-share = {share}"));
            try
            {
                await using var seed = BenchmarkNode.Start("seed", null, new Dictionary<string, string> { ["CLUSTER_CONFIG"] = config });
                await using var first = BenchmarkNode.Start("worker", seed.Seed);
                await using var second = BenchmarkNode.Start("worker", seed.Seed);
                await seed.WaitForWorkersAsync(2);
                BenchmarkNode[] workers = [first, second];
                foreach (var (til, jobs) in Ranges)
                {
                    var body = $$"""{"from": 1, "til": {{til}}}""";
                    await seed.RunJobAsync(body);

                    var verifierBefore = seed.ThreadCpuSeconds(VerifierThread);
                    var seedBefore = seed.CpuSeconds();
                    var workersBefore = workers.Sum(w => w.CpuSeconds());
                    var kernelsBefore = workers.Sum(w => w.ThreadCpuSeconds(KernelThreads));
                    var figures = new List<JobFigures>();
                    for (var i = 0; i < jobs; i++)
                    {
                        figures.Add(await seed.RunJobAsync(body));
                    }

                    var verifier = (seed.ThreadCpuSeconds(VerifierThread) - verifierBefore) / jobs;
                    var seedCpu = (seed.CpuSeconds() - seedBefore) / jobs;
                    var workersCpu = (workers.Sum(w => w.CpuSeconds()) - workersBefore) / jobs;
                    var kernels = (workers.Sum(w => w.ThreadCpuSeconds(KernelThreads)) - kernelsBefore) / jobs;
                    var rates = figures.Select(f => f.Checks / f.ElapsedSeconds).Order().ToList();
                    var elapsed = figures.Average(f => f.ElapsedSeconds);
                    seedCpuPerSecond[(share, til)] = seedCpu / elapsed;
                    report.WriteLine(Inv(
                        $"trial-share {share}, trial [1, {til}], {jobs} jobs: {elapsed:F2} s a job, best {rates[^1] / 1e9:F2} G checks/s; CPU a job: verifier thread {verifier * 1e3:F2} ms, seed {seedCpu * 1e3:F0} ms, workers {workersCpu * 1e3:F0} ms (kernel threads {kernels * 1e3:F0} ms); the verifier thread is {verifier / (seedCpu + workersCpu):P3} of the cluster's CPU"));
                }
            }
            finally
            {
                File.Delete(config);
            }
        }

        // The seed's own work (heartbeats, progress, checkpoints) grows with a job's length, so it is compared per second.
        foreach (var (til, _) in Ranges)
        {
            report.WriteLine(Inv($"trial [1, {til}]: the seed's CPU, every result verified against none: {seedCpuPerSecond[(1.0, til)] * 1e3:F1} against {seedCpuPerSecond[(0.0, til)] * 1e3:F1} ms a second of job"));
        }

        return 0;
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
