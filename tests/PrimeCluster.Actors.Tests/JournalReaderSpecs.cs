using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.TestKit.Xunit2;
using PrimeCluster.Actors.Coordination;
using PrimeCluster.Actors.Jobs;
using PrimeCluster.Actors.Messages;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;

namespace PrimeCluster.Actors.Tests;

public sealed class JournalReaderSpecs() : TestKit(TestConfig.Node("seed"))
{
    private static readonly UniqueAddress Seed = new(new Address("akka.tcp", "primecluster", "127.0.0.1", 4053), 1);

    [Fact]
    public void A_jobs_bucket_should_be_the_one_journals_of_earlier_builds_put_it_in() =>
        Assert.Equal(19, JobJournal.BucketOf(new JobId("k7m2x9q0fa")));

    [Fact]
    public async Task Reader_should_hand_its_parent_every_checkpoint_of_every_bucket_in_one_message()
    {
        var replicator = CreateTestProbe();
        ChildActorOf(JournalReader.Props(replicator.Ref, TimeSpan.FromSeconds(3)));
        var running = Checkpoint("running-1");
        var finished = Checkpoint("finished-1") with { View = Checkpoint("finished-1").View with { State = JobState.Done } };
        var local = Checkpoint("local-1");

        // Every bucket is asked of a majority; one holds two jobs, one times out and is read from this seed's copy.
        for (var read = 0; read < JobJournal.BucketCount; read++)
        {
            var get = await replicator.ExpectMsgAsync<Get>();
            Assert.IsType<ReadMajority>(get.Consistency);
            var bucket = (int)get.Request!;
            replicator.Reply(bucket switch
            {
                3 => new GetSuccess(get.Key, bucket, Bucket(running, finished)),
                7 => new GetFailure(get.Key, bucket),
                _ => new NotFound(get.Key, bucket),
            });
        }

        var again = await replicator.ExpectMsgAsync<Get>();
        Assert.Equal((7, ReadLocal.Instance), ((int)again.Request!, again.Consistency));
        replicator.Reply(new GetSuccess(again.Key, 7, Bucket(local)));

        var recovered = await ExpectMsgAsync<JobJournal.Recovered>();
        Assert.Equal(
            new[] { "finished-1", "local-1", "running-1" },
            recovered.Checkpoints.Select(c => c.View.Id.Value).Order(StringComparer.Ordinal));
        Assert.Equal(JobState.Done, recovered.Checkpoints.Single(c => c.View.Id.Value == "finished-1").View.State);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    private static LWWDictionary<string, JobCheckpoint> Bucket(params JobCheckpoint[] checkpoints) =>
        checkpoints.Aggregate(LWWDictionary<string, JobCheckpoint>.Empty, (jobs, c) => jobs.SetItem(Seed, c.View.Id.Value, c));

    private static JobCheckpoint Checkpoint(string id)
    {
        var spec = new JobSpec(new NumberRange(1, 10_000), Batches: 4);
        return JobCheckpoint.Start(new JobId(id), spec, spec.Plan(1), DateTimeOffset.UnixEpoch, workers: 1);
    }
}
