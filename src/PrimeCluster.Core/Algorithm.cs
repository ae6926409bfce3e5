namespace PrimeCluster.Core;

/// <summary>How a range is counted. All give the same tally.</summary>
public enum Algorithm
{
    /// <summary>The article's trial division: every check is performed.</summary>
    Trial,

    /// <summary>A segmented sieve that derives the checks without performing them.</summary>
    Sieve,

    /// <summary>Prime counting and prime sums over the values floor(til / k): time below linear in the range.</summary>
    Formula,
}

/// <summary>How a range is cut into batches.</summary>
public enum SplitStrategy
{
    /// <summary>Batches of roughly equal cost for the chosen kernel, several per worker, the last few ever cheaper.</summary>
    Balanced,

    /// <summary>The article's split: one equal-width chunk per worker.</summary>
    Starmap,
}

/// <summary>The lower-case names used on the command line, in HOCON and over HTTP.</summary>
public static class Names
{
    public static string Of(Algorithm algorithm) => algorithm switch
    {
        Algorithm.Trial => "trial",
        Algorithm.Sieve => "sieve",
        Algorithm.Formula => "formula",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
    };

    public static string Of(SplitStrategy split) => split switch
    {
        SplitStrategy.Balanced => "balanced",
        SplitStrategy.Starmap => "starmap",
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, null),
    };

    public static bool TryParse(string? text, out Algorithm algorithm)
    {
        switch (text)
        {
            case "trial": algorithm = Algorithm.Trial; return true;
            case "sieve": algorithm = Algorithm.Sieve; return true;
            case "formula": algorithm = Algorithm.Formula; return true;
            default: algorithm = default; return false;
        }
    }

    public static bool TryParse(string? text, out SplitStrategy split)
    {
        switch (text)
        {
            case "balanced": split = SplitStrategy.Balanced; return true;
            case "starmap": split = SplitStrategy.Starmap; return true;
            default: split = default; return false;
        }
    }
}
