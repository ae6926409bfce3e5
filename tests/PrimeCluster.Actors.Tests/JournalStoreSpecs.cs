using PrimeCluster.Actors.Coordination;

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

        Assert.Contains("in use by another node", refused.Message, StringComparison.Ordinal);
        Assert.Contains(_dataDir, refused.Message, StringComparison.Ordinal);
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
