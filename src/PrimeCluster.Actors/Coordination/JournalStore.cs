using Akka.Configuration;
using Microsoft.Data.Sqlite;

namespace PrimeCluster.Actors.Coordination;

/// <summary>
/// A seed's job journal on disk, <c>DATA_DIR/journal.db</c>: the SQLite file of Distributed Data's durable store
/// (<see cref="JournalDurableStore"/>) for the keys that hold jobs. Checked before the actor system reads it: the
/// directory is locked to this node, and a file that is not a database, is cut short or fails SQLite's check of its
/// pages stops the node with the file's name, rather than start an empty journal over it. The directory and every
/// file in it are this user's alone (0700 and 0600): the journal holds every job submitted.
/// </summary>
public sealed class JournalStore : IDisposable
{
    /// <summary>Distributed Data keys kept on disk: the job buckets of <see cref="JobJournal"/>.</summary>
    public const string DurableKeys = "primecluster-jobs-*";

    /// <summary>EROFS, as .NET gives it in an <see cref="IOException"/>'s HResult on Linux.</summary>
    private const int ReadOnlyFileSystem = 30;

    /// <summary>EWOULDBLOCK from the lock (Linux), and Windows' sharing violation: another process holds the lock.</summary>
    private const int LockHeld = 11;
    private const int SharingViolation = unchecked((int)0x80070020);

    private readonly FileStream _lock;

    private JournalStore(string file, FileStream lockFile)
    {
        File = file;
        _lock = lockFile;
    }

    /// <summary>The journal's SQLite file; its write-ahead log is beside it (<c>-wal</c>).</summary>
    public string File { get; }

    /// <summary>
    /// Creates <paramref name="dataDir"/> if need be (mode 0700), locks it and checks the journal in it; throws
    /// <see cref="JournalStoreException"/>, with the directory or file and what to do, when it cannot be used: a
    /// directory this user cannot write, one another node holds, a journal that is damaged.
    /// </summary>
    public static JournalStore Open(string dataDir)
    {
        ArgumentNullException.ThrowIfNull(dataDir);
        CheckWritable(dataDir);
        FileStream lockFile;
        try
        {
            // Two seeds on one journal would each overwrite what the other wrote: the second is refused.
            lockFile = new FileStream(Path.Combine(dataDir, "journal.lock"), Private(FileMode.OpenOrCreate, FileShare.None));
        }
        catch (IOException e) when (e.HResult is LockHeld or SharingViolation)
        {
            throw new JournalStoreException($"{dataDir} is in use by another node, which holds its lock (journal.lock): give each seed a DATA_DIR of its own.");
        }
        catch (IOException e)
        {
            throw new JournalStoreException($"cannot lock {dataDir} for this node: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new JournalStoreException($"{dataDir} holds a journal.lock this user may not open ({e.Message}): give a directory of its own.");
        }

        var store = new JournalStore(Path.Combine(dataDir, "journal.db"), lockFile);
        try
        {
            store.Create();
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
    /// The directory, created if need be, must take a new file: a read-only one (a read-only mount, a directory of
    /// another user) is told apart from one another node holds.
    /// </summary>
    private static void CheckWritable(string dataDir)
    {
        var probe = Path.Combine(dataDir, $".write-check-{Environment.ProcessId}");
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(dataDir);
            }
            else
            {
                Directory.CreateDirectory(dataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            new FileStream(probe, Private(FileMode.CreateNew, FileShare.None)).Dispose();
            System.IO.File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var readOnly = e is IOException { HResult: ReadOnlyFileSystem } || (e is UnauthorizedAccessException && Directory.Exists(dataDir));
            throw new JournalStoreException(readOnly
                ? $"{dataDir} is read-only to this user ({e.Message}): give a directory it can write, or none to keep the journal in memory only."
                : $"cannot keep the job journal in {dataDir}: {e.Message}: give a directory this user can write.");
        }
    }

    /// <summary>
    /// A new journal is created here, mode 0600, before SQLite opens it: SQLite gives its write-ahead log and index the
    /// mode of the database, and would create the database itself with the default 0644. A journal from a build that
    /// wrote it readable by others is made private too.
    /// </summary>
    private void Create()
    {
        if (!System.IO.File.Exists(File))
        {
            new FileStream(File, Private(FileMode.CreateNew, FileShare.None)).Dispose();
            Connect(File).Dispose();
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            foreach (var file in new[] { File, $"{File}-wal", $"{File}-shm", Path.Combine(Path.GetDirectoryName(File)!, "journal.lock") }.Where(System.IO.File.Exists))
            {
                if ((System.IO.File.GetUnixFileMode(file) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
                {
                    System.IO.File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }
        }
    }

    /// <summary>Read and write, for this user only (0600) where the system has modes.</summary>
    private static FileStreamOptions Private(FileMode mode, FileShare share)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.ReadWrite, Share = share };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

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
