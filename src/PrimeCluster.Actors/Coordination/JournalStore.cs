using Akka.Configuration;
using Microsoft.Data.Sqlite;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// A seed's job journal on disk, <c>DATA_DIR/journal.db</c>: the SQLite file of Distributed Data's durable store
/// (<see cref="JournalDurableStore"/>) for the keys that hold jobs. Checked before the actor system reads it: the
/// directory is locked to this node, and a file that is not a database, is cut short or fails SQLite's check of its
/// pages stops the node with the file's name, rather than start an empty journal over it.
/// </summary>
public sealed class JournalStore : IDisposable
{
    /// <summary>Distributed Data keys kept on disk: the job buckets of <see cref="JobJournal"/>.</summary>
    public const string DurableKeys = "primecluster-jobs-*";

    private readonly FileStream _lock;

    private JournalStore(string file, FileStream lockFile)
    {
        File = file;
        _lock = lockFile;
    }

    /// <summary>The journal's SQLite file; its write-ahead log is beside it (<c>-wal</c>).</summary>
    public string File { get; }

    /// <summary>
    /// Creates <paramref name="dataDir"/> if need be, locks it and checks the journal in it; throws
    /// <see cref="JournalStoreException"/>, with the file's name and what to do, when it cannot be used.
    /// </summary>
    public static JournalStore Open(string dataDir)
    {
        ArgumentNullException.ThrowIfNull(dataDir);
        FileStream lockFile;
        try
        {
            Directory.CreateDirectory(dataDir);

            // Two seeds on one journal would each overwrite what the other wrote: the second is refused.
            lockFile = new FileStream(Path.Combine(dataDir, "journal.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (Directory.Exists(dataDir))
        {
            throw new JournalStoreException($"the job journal in {dataDir} is in use by another node ({e.Message}); give each seed a DATA_DIR of its own.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JournalStoreException($"cannot keep the job journal in {dataDir}: {e.Message}; set DATA_DIR to a directory this user can write.");
        }

        var store = new JournalStore(Path.Combine(dataDir, "journal.db"), lockFile);
        try
        {
            store.Check();
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The journal, open, with its table: write-ahead log, each commit fsynced. Throws <see cref="SqliteException"/>
    /// for a file that is not a database.
    /// </summary>
    public static SqliteConnection Connect(string file)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        try
        {
            connection.Open();
            using var setup = connection.CreateCommand();
            setup.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
                """;
            setup.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The durable store's settings for this file, over <c>akka.cluster.distributed-data</c>.</summary>
    public Config Hocon() => ConfigurationFactory.ParseString($$"""
        akka.cluster.distributed-data.durable {
          keys = ["{{DurableKeys}}"]
          store-actor-class = "{{typeof(JournalDurableStore).AssemblyQualifiedName}}"
          sqlite.file = "{{File.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}}"
        }
        """);

    public void Dispose() => _lock.Dispose();

    /// <summary>
    /// A journal that is there must open as a database, pass SQLite's check of its pages and hold the journal's table
    /// (which the store creates at once: a file without it was cut short).
    /// </summary>
    private void Check()
    {
        if (!System.IO.File.Exists(File))
        {
            return;
        }

        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = File, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
            connection.Open();
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA quick_check";
            var verdict = check.ExecuteScalar() as string;
            if (verdict != "ok")
            {
                throw Damaged($"SQLite's check of its pages says: {verdict}");
            }

            check.CommandText = "SELECT count(*) FROM sqlite_schema WHERE name = 'entries'";
            if (Convert.ToInt64(check.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                throw Damaged("it holds no journal table (it was cut short, or is another database)");
            }
        }
        catch (SqliteException e)
        {
            throw Damaged(e.Message.Replace("SQLite Error ", "SQLite error ", StringComparison.Ordinal));
        }
    }

    private JournalStoreException Damaged(string why) => new(
        $"the job journal {File} is damaged: {why}. Move {Path.GetDirectoryName(File)} away (its jobs and history are then forgotten, unless another seed holds them) and start the node again.");
}

/// <summary>A job journal on disk that the node cannot use; the message names the file or directory and what to do.</summary>
public sealed class JournalStoreException(string message) : IOException(message);
