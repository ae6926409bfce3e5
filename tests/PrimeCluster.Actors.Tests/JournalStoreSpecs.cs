using System.Runtime.Versioning;
using PrimeCluster.Actors.Coordination;
using PrimeCluster.Testing;

namespace PrimeCluster.Actors.Tests;

public sealed class JournalStoreSpecs : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"primecluster-journal-{Guid.NewGuid():N}");

    [Fact]
    public void Store_should_keep_what_was_written_across_connections()
    {
        using (var store = JournalStore.Open(_dataDir))
        {
            Write(store.File, rows: 3);
        }

        using var again = JournalStore.Open(_dataDir);
        using var connection = JournalStore.Connect(again.File);
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM entries";
        Assert.Equal(3L, count.ExecuteScalar());
    }

    [Fact]
    public void A_second_node_on_the_same_directory_should_be_refused()
    {
        using var first = JournalStore.Open(_dataDir);

        var refused = Assert.Throws<JournalStoreException>(() => JournalStore.Open(_dataDir));

        Assert.StartsWith($"{_dataDir} is in use by another node, which holds its lock", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_read_only_directory_should_be_refused_as_read_only_not_as_in_use()
    {
        using var readOnly = new ReadOnlyDirectory();

        var refused = Assert.Throws<JournalStoreException>(() => JournalStore.Open(readOnly.Path));

        Assert.StartsWith($"{readOnly.Path} is read-only to this user", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(readOnly.Path));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void The_journal_should_be_this_users_alone_directory_and_every_file()
    {
        using (var store = JournalStore.Open(_dataDir))
        {
            using var connection = JournalStore.Connect(store.File);
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO entries (key, value) VALUES ('primecluster-jobs-1', x'01')";
            insert.ExecuteNonQuery();

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_dataDir));
            string[] files = ["journal.db", "journal.db-wal", "journal.db-shm", "journal.lock"];
            Assert.Equal(files.Order(StringComparer.Ordinal), Directory.GetFiles(_dataDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dataDir, f))));
        }
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void A_journal_an_earlier_build_left_readable_by_others_should_be_made_private()
    {
        string file;
        using (var store = JournalStore.Open(_dataDir))
        {
            file = store.File;
        }

        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using var again = JournalStore.Open(_dataDir);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("garbage-inside")]
    [InlineData("truncated")]
    [InlineData("empty")]
    public void A_damaged_journal_should_be_refused_naming_the_file_and_what_to_do(string damage)
    {
        string file;
        using (var store = JournalStore.Open(_dataDir))
        {
            file = store.File;
            Write(file, rows: 200);
        }

        Damage(file, damage);

        var refused = Assert.Throws<JournalStoreException>(() => JournalStore.Open(_dataDir));

        Assert.StartsWith($"the job journal {file} is damaged: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"Move {_dataDir} away", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    /// <summary>Rows of 4 KiB each, as the durable store writes them, checkpointed into the file itself.</summary>
    private static void Write(string file, int rows)
    {
        using var connection = JournalStore.Connect(file);
        for (var row = 0; row < rows; row++)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO entries (key, value) VALUES ($key, $value)";
            insert.Parameters.AddWithValue("$key", $"primecluster-jobs-{row}");
            insert.Parameters.AddWithValue("$value", Enumerable.Range(0, 4096).Select(i => (byte)(i * row)).ToArray());
            insert.ExecuteNonQuery();
        }

        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        checkpoint.ExecuteNonQuery();
    }

    private static void Damage(string file, string damage)
    {
        var length = new FileInfo(file).Length;
        var random = new Random(15);
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        switch (damage)
        {
            case "garbage":
                var all = new byte[length];
                random.NextBytes(all);
                stream.Write(all);
                break;
            case "garbage-inside":
                // The header intact, every page after the first few overwritten.
                var inside = new byte[length - (16 * 4096)];
                random.NextBytes(inside);
                stream.Position = 16 * 4096;
                stream.Write(inside);
                break;
            case "truncated":
                stream.SetLength(length / 2);
                break;
            default:
                stream.SetLength(0);
                break;
        }
    }
}
