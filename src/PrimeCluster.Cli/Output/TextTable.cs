namespace PrimeCluster.Cli.Output;

/// <summary>A plain-text table with aligned columns, in the spirit of the article's result tables.</summary>
public sealed class TextTable(params TextTable.Column[] columns)
{
    private readonly List<string[]> _rows = [];

    public sealed record Column(string Header, bool AlignRight = false);

    public static Column Left(string header) => new(header);

    public static Column Right(string header) => new(header, AlignRight: true);

    public TextTable AddRow(params string[] cells)
    {
        if (cells.Length != columns.Length)
        {
            throw new ArgumentException($"Expected {columns.Length} cells, got {cells.Length}.", nameof(cells));
        }

        _rows.Add(cells);
        return this;
    }

    public void WriteTo(TextWriter writer)
    {
        var widths = columns.Select((c, i) => _rows.Select(r => r[i].Length).Prepend(c.Header.Length).Max()).ToArray();
        WriteLine(writer, columns.Select(c => c.Header).ToArray(), widths);
        foreach (var row in _rows)
        {
            WriteLine(writer, row, widths);
        }
    }

    private void WriteLine(TextWriter writer, string[] cells, int[] widths)
    {
        var padded = cells.Select((cell, i) => columns[i].AlignRight ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]));
        writer.WriteLine(string.Join("  ", padded).TrimEnd());
    }
}
