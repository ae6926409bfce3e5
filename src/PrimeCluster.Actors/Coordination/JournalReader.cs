using Akka.Actor;
using Akka.DistributedData;
using Akka.Event;
using PrimeCluster.Actors.Jobs;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// Reads every bucket of the job journal for a coordinator that starts: from a majority of the seeds, or from this
/// seed's own copy (on disk, or in memory) for a bucket they do not answer for in time. Tells its parent one
/// <see cref="JobJournal.Recovered"/> with every checkpoint, then stops.
/// </summary>
internal sealed class JournalReader : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _replicator;
    private readonly TimeSpan _timeout;
    private readonly Dictionary<string, JobCheckpoint> _checkpoints = [];
    private int _bucketsToRead = JobJournal.BucketCount;

    public JournalReader(IActorRef replicator, TimeSpan timeout)
    {
        _replicator = replicator;
        _timeout = timeout;
        Receive<GetSuccess>(got =>
        {
            if (got.Data is LWWDictionary<string, JobCheckpoint> jobs)
            {
                foreach (var (id, checkpoint) in jobs.Entries)
                {
                    _checkpoints[id] = checkpoint;
                }
            }

            BucketRead();
        });
        Receive<NotFound>(_ => BucketRead());
        Receive<GetFailure>(failed =>
        {
            // No majority of the seeds answered in time: what this seed holds is the best there is.
            _log.Warning("The seeds did not answer for job bucket {0} in time; resuming from this node's copy", failed.Request);
            Read((int)failed.Request, ReadLocal.Instance);
        });
    }

    public static Props Props(IActorRef replicator, TimeSpan timeout) =>
        Akka.Actor.Props.Create(() => new JournalReader(replicator, timeout));

    protected override void PreStart()
    {
        for (var bucket = 0; bucket < JobJournal.BucketCount; bucket++)
        {
            Read(bucket, new ReadMajority(_timeout));
        }
    }

    private void Read(int bucket, IReadConsistency consistency) => _replicator.Tell(Dsl.Get(JobJournal.Key(bucket), consistency, bucket));

    private void BucketRead()
    {
        if (--_bucketsToRead > 0)
        {
            return;
        }

        Context.Parent.Tell(new JobJournal.Recovered([.. _checkpoints.Values]));
        Context.Stop(Self);
    }
}
