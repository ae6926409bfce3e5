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
/// <remarks>
/// A write that fails (a full or failing disk) is not acknowledged, so it does not count towards a majority; the
/// store keeps the newest value of each key it could not write, tries them again every <see cref="RetryInterval"/>,
/// and says in <see cref="JournalHealth"/>, and in one line each way, when the journal cannot write and when it can
/// again.
/// </remarks>
public sealed class JournalDurableStore : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SerializerWithStringManifest _serializer;
    private readonly string _manifest;
    private readonly string _file;
    private readonly JournalHealth _health = JournalHealth.Get(Context.System);

    /// <summary>The newest value of each key not yet written: at most one per durable key.</summary>
    private readonly Dictionary<string, DurableDataEnvelope> _unwritten = [];
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
        Receive<Retry>(_ => WriteUnwritten());
    }

    public ITimerScheduler Timers { get; set; } = null!;

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
            Write(store.Key, store.Data);
            _unwritten.Remove(store.Key);
            store.Reply?.ReplyTo.Tell(store.Reply.SuccessMessage);
        }
        catch (SqliteException e)
        {
            _unwritten[store.Key] = store.Data;
            store.Reply?.ReplyTo.Tell(store.Reply.FailureMessage);
            CannotWrite(e);
            return;
        }

        if (_unwritten.Count > 0)
        {
            WriteUnwritten();
        }
    }

    /// <summary>Writes what could not be written before; once all of it is, the journal is healthy again.</summary>
    private void WriteUnwritten()
    {
        try
        {
            foreach (var (key, data) in _unwritten.ToList())
            {
                Write(key, data);
                _unwritten.Remove(key);
            }
        }
        catch (SqliteException e)
        {
            CannotWrite(e);
            return;
        }

        Timers.Cancel(Retry.Instance);
        if (_health.Failure is not null)
        {
            _health.Recovered();
            _log.Info("The job journal {0} can be written again; new jobs are accepted", _file);
        }
    }

    private void Write(string key, DurableDataEnvelope data)
    {
        _upsert!.Parameters["$key"].Value = key;
        _upsert.Parameters["$value"].Value = _serializer.ToBinary(data);
        _upsert.ExecuteNonQuery();
    }

    /// <summary>A disk that is full or failing: said once, tried again until it passes.</summary>
    private void CannotWrite(SqliteException e)
    {
        var why = SqliteError(e);
        if (_health.Failure is null)
        {
            _log.Error(
                "Cannot write the job journal {0}: {1}. New jobs are refused (503) and /healthz reports unhealthy until it can; trying again every {2:0} s",
                _file,
                why,
                RetryInterval.TotalSeconds);
        }

        _health.Failed($"the job journal {_file} cannot be written: {why}");
        if (!Timers.IsTimerActive(Retry.Instance))
        {
            Timers.StartPeriodicTimer(Retry.Instance, Retry.Instance, RetryInterval);
        }
    }

    /// <summary>SQLite's own words ("database or disk is full"), without Microsoft.Data.Sqlite's wrapping.</summary>
    private static string SqliteError(SqliteException e)
    {
        var message = e.Message;
        var open = message.IndexOf('\'', StringComparison.Ordinal);
        var close = message.LastIndexOf('\'', message.Length - 1);
        return open >= 0 && close > open ? message[(open + 1)..close] : message.TrimEnd('.');
    }

    private sealed class Retry
    {
        public static readonly Retry Instance = new();
    }
}
