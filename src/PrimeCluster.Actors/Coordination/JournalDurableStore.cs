using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.DistributedData.Durable;
using Akka.Event;
using Akka.Serialization;
using Microsoft.Data.Sqlite;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// Distributed Data's durable store for the job journal: one SQLite table of key and serialized value, in the file
/// <see cref="JournalStore"/> checked. The replicator hands it every change of a durable key, its own and those that
/// reach it from other seeds; each is one transaction, committed to the write-ahead log and fsynced
/// (<c>synchronous = FULL</c>) before the store answers, and the replicator answers a write only after that answer.
/// Anything that cannot be read at start fails the load, which stops the replicator (and so the node, see
/// <see cref="JournalGuard"/>).
/// </summary>
public sealed class JournalDurableStore : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SerializerWithStringManifest _serializer;
    private readonly string _manifest;
    private readonly string _file;
    private SqliteConnection? _connection;
    private SqliteCommand? _upsert;

    /// <param name="durable"><c>akka.cluster.distributed-data.durable</c>, whose <c>sqlite.file</c> names the journal.</param>
    public JournalDurableStore(Config durable)
    {
        ArgumentNullException.ThrowIfNull(durable);
        _file = durable.GetString("sqlite.file", string.Empty) is { Length: > 0 } file ? file
            : throw new ConfigurationException("akka.cluster.distributed-data.durable.sqlite.file is not set.");
        _serializer = (SerializerWithStringManifest)Context.System.Serialization.FindSerializerForType(typeof(DurableDataEnvelope));
        _manifest = _serializer.Manifest(new DurableDataEnvelope(Akka.DistributedData.GCounter.Empty));

        Receive<LoadAll>(_ => LoadAll());
        Receive<Store>(Store);
    }

    /// <summary>A journal that cannot be opened fails the actor's start, which stops the replicator as a failed load does.</summary>
    protected override void PreStart()
    {
        try
        {
            _connection = JournalStore.Connect(_file);
            _upsert = _connection.CreateCommand();
            _upsert.CommandText = "INSERT INTO entries (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
            _upsert.Parameters.Add("$key", SqliteType.Text);
            _upsert.Parameters.Add("$value", SqliteType.Blob);
            _upsert.Prepare();
        }
        catch (SqliteException e)
        {
            throw new LoadFailedException($"cannot open the job journal {_file}: {e.Message}", e);
        }
    }

    protected override void PostStop()
    {
        _upsert?.Dispose();
        _connection?.Dispose();
    }

    private void LoadAll()
    {
        var entries = ImmutableDictionary.CreateBuilder<string, DurableDataEnvelope>();
        try
        {
            using var select = _connection!.CreateCommand();
            select.CommandText = "SELECT key, value FROM entries";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                entries[reader.GetString(0)] = (DurableDataEnvelope)_serializer.FromBinary((byte[])reader.GetValue(1), _manifest);
            }
        }
        catch (Exception e)
        {
            throw new LoadFailedException($"cannot read the job journal {_file}: {e.Message}", e);
        }

        if (entries.Count > 0)
        {
            Sender.Tell(new LoadData(entries.ToImmutable()));
        }

        Sender.Tell(LoadAllCompleted.Instance);
        _log.Debug("Read {0} job buckets from the journal", entries.Count);
    }

    private void Store(Store store)
    {
        try
        {
            _upsert!.Parameters["$key"].Value = store.Key;
            _upsert.Parameters["$value"].Value = _serializer.ToBinary(store.Data);
            _upsert.ExecuteNonQuery();
            store.Reply?.ReplyTo.Tell(store.Reply.SuccessMessage);
        }
        catch (SqliteException e)
        {
            // A disk that is full or failing: the write is not acknowledged, so it does not count towards a majority.
            _log.Error(e, "Could not write {0} to the job journal {1}", store.Key, _file);
            store.Reply?.ReplyTo.Tell(store.Reply.FailureMessage);
        }
    }
}
