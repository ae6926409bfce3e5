namespace PrimeCluster.Cli.Input;

/// <summary>The name a mistyped word most likely meant: <c>sumbit</c> for submit, <c>--algoritm</c> for --algorithm.</summary>
public static class Suggestion
{
    /// <summary>
    /// " Did you mean 'NAME'?" for the name closest to <paramref name="word"/>, ignoring case, when it is a slip away: one
    /// edit (a letter left out, added, changed, or two swapped) for every three letters of the word, at least one. Empty
    /// when no name is that close, or when two are equally close.
    /// </summary>
    public static string DidYouMean(string word, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(word);
        var typed = word.ToLowerInvariant();
        var limit = Math.Max(1, typed.Length / 3);
        var closest = names
            .Distinct(StringComparer.Ordinal)
            .Select(name => (Name: name, Distance: Distance(typed, name.ToLowerInvariant())))
            .Where(c => c.Distance <= limit)
            .OrderBy(c => c.Distance)
            .Take(2)
            .ToList();
        return closest switch
        {
            [var only] => $" Did you mean '{only.Name}'?",
            [var first, var second] when first.Distance < second.Distance => $" Did you mean '{first.Name}'?",
            _ => string.Empty,
        };
    }

    /// <summary>Edits from one word to the other: insertions, deletions, substitutions and swaps of neighbours (optimal string alignment).</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
