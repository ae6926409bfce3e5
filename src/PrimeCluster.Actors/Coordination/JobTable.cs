using System.Diagnostics.CodeAnalysis;
using PrimeCluster.Actors.Messages;
using static PrimeCluster.Actors.Messages.JobProtocol;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// The jobs the coordinator knows: every running one, and the newest finished up to the history's bound, however long
/// a running job keeps going. The batch timelines of the newest few finished are kept for those who look at them later.
/// </summary>
/// <param name="history">How many finished jobs are remembered.</param>
internal sealed class JobTable(int history)
{
    /// <summary>The finished jobs whose batch timelines are kept.</summary>
    public const int KeptTimelines = 20;

    private readonly Dictionary<JobId, JobEntry> _jobs = [];

    /// <summary>Finished jobs, oldest first: the first to be forgotten beyond the history's bound.</summary>
    private readonly Queue<JobId> _finished = new();

    public IEnumerable<JobEntry> Entries => _jobs.Values;

    public JobEntry this[JobId id] => _jobs[id];

    public bool TryGetValue(JobId id, [MaybeNullWhen(false)] out JobEntry entry) => _jobs.TryGetValue(id, out entry);

    /// <summary>A job submitted or taken up here; a finished one joins the history.</summary>
    public void Add(JobEntry entry)
    {
        _jobs[entry.View.Id] = entry;
        if (entry.View.State.IsFinished())
        {
            _finished.Enqueue(entry.View.Id);
        }
    }

    /// <summary>A job whose view has just become finished joins the history; the oldest finished keep no timeline.</summary>
    public void Ended(JobId id)
    {
        _finished.Enqueue(id);
        if (_finished.Count > KeptTimelines)
        {
            _jobs[_finished.ElementAt(_finished.Count - 1 - KeptTimelines)].Timeline = null;
        }
    }

    /// <summary>Forgets the oldest finished jobs beyond the history's bound; returns them.</summary>
    public IReadOnlyList<JobId> ForgetOldJobs()
    {
        var forgotten = new List<JobId>();
        while (_finished.Count > history)
        {
            var oldest = _finished.Dequeue();
            _jobs.Remove(oldest);
            forgotten.Add(oldest);
        }

        return forgotten;
    }

    /// <summary>
    /// The page of jobs asked for (its limit within 1 to <see cref="GetJobs.MaxLimit"/>), or <see cref="JobNotFound"/>
    /// when the job it starts after is not here.
    /// </summary>
    public object List(GetJobs get)
    {
        var limit = Math.Clamp(get.Limit, 1, GetJobs.MaxLimit);
        return get.Before is not { } before ? Newest(limit) : NextPage(before, limit) as object ?? new JobNotFound(before);
    }

    /// <summary>The newest jobs, up to <paramref name="limit"/>, and whether there are more.</summary>
    public JobList Newest(int limit)
    {
        var newestFirst = NewestFirst();
        return new JobList([.. newestFirst.Take(limit)], More: newestFirst.Count > limit);
    }

    /// <summary>
    /// The page after <paramref name="last"/>, the last job of the previous page: the jobs that follow it newest first,
    /// up to <paramref name="limit"/>, and whether there are more; null when <paramref name="last"/> is not a job here.
    /// </summary>
    public JobList? NextPage(JobId last, int limit)
    {
        var newestFirst = NewestFirst();
        var start = newestFirst.FindIndex(v => v.Id == last) + 1;
        if (start == 0)
        {
            return null;
        }

        var page = newestFirst.Skip(start).Take(limit).ToList();
        return new JobList(page, More: start + page.Count < newestFirst.Count);
    }

    private List<JobView> NewestFirst() => _jobs.Values.Select(e => e.View)
        .OrderByDescending(v => v.SubmittedAt)
        .ThenBy(v => v.Id.Value, StringComparer.Ordinal)
        .ToList();
}
