using PrimeCluster.Actors.Messages;
using PrimeCluster.Contracts;
using PrimeCluster.Core;

namespace PrimeCluster.Node.Api;

/// <summary>The coordinator's views, as the API shows them.</summary>
internal static class JobResources
{
    public static JobResource From(JobView view)
    {
        var done = view.Result;
        return new JobResource(
            view.Id.Value,
            $"/jobs/{view.Id.Value}",
            view.State,
            view.Spec.Range.From,
            view.Spec.Range.Til,
            Names.Of(view.Spec.Algorithm),
            Names.Of(view.Spec.Split),
            view.BatchCount,
            new ProgressResource(view.BatchesDone, view.BatchCount, view.SoFar.CheckCount, view.ChecksTotal, view.ChecksTotalIsExact, view.SoFar.PrimeCount, Math.Round(view.Fraction, 4)),
            done?.PrimeCount,
            done?.CheckCount,
            view.Workers,
            view.SubmittedAt,
            view.StartedAt,
            view.FinishedAt,
            Math.Round(view.Elapsed.TotalMilliseconds, 3),
            Math.Round(view.ChecksPerSecond),
            view.Error);
    }

    public static BatchResource From(MonitoringProtocol.BatchRecord record) => new(
        record.Index,
        record.Range.From,
        record.Range.Til,
        record.Worker,
        record.Node.ToString(),
        record.HandedOutAt,
        record.FinishedAt,
        record.Outcome switch
        {
            MonitoringProtocol.BatchOutcome.Running => BatchOutcomes.Running,
            MonitoringProtocol.BatchOutcome.Counted => BatchOutcomes.Counted,
            MonitoringProtocol.BatchOutcome.LateCopy => BatchOutcomes.LateCopy,
            MonitoringProtocol.BatchOutcome.LostRace => BatchOutcomes.LostRace,
            MonitoringProtocol.BatchOutcome.HandedBack => BatchOutcomes.HandedBack,
            MonitoringProtocol.BatchOutcome.Failed => BatchOutcomes.Failed,
            _ => BatchOutcomes.Wrong,
        });
}
