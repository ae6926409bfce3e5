using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace PrimeCluster.Contracts;

/// <summary>
/// The body of <c>POST /jobs</c>: <c>from</c> and <c>til</c> required, <c>algorithm</c>, <c>split</c>,
/// <c>batches</c> and <c>accept_cost</c> optional. Read field by field so that every refusal names its field.
/// </summary>
public sealed record JobRequest(ulong From, ulong Til, string Algorithm, string Split, long? Batches, bool AcceptCost = false)
{
    public const int MaxBodyBytes = 16 * 1024;

    private static readonly string[] Fields = ["from", "til", "algorithm", "split", "batches", "accept_cost"];

    /// <summary>Reads a request body; on bad input returns null and the error naming the field.</summary>
    public static JobRequest? Parse(ReadOnlySpan<byte> body, long maxBatches, out ErrorResource? error)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            error = new ErrorResource("the body is not valid UTF-8", "body");
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            return Read(document.RootElement, maxBatches, out error);
        }
        catch (JsonException e)
        {
            error = new ErrorResource($"the body is not valid JSON: {e.Message}", "body");
            return null;
        }
        catch (InvalidOperationException)
        {
            // What JsonElement throws for a string it cannot turn into text, such as an escaped lone surrogate.
            error = new ErrorResource("the body holds a string that is not valid Unicode (a lone surrogate escape such as \\ud800)", "body");
            return null;
        }
    }

    private static JobRequest? Read(JsonElement root, long maxBatches, out ErrorResource? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = new ErrorResource("the body must be a JSON object like {\"from\": 0, \"til\": 100000}", "body");
            return null;
        }

        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!Fields.Contains(property.Name))
            {
                error = new ErrorResource($"unknown field '{property.Name}'; fields are {string.Join(", ", Fields)}", property.Name);
                return null;
            }

            // JSON leaves a repeated name to the reader, which would take the last: "til": 20, "til": 2^64-1.
            if (!named.Add(property.Name))
            {
                error = new ErrorResource($"{property.Name} is given more than once; give each field once", property.Name);
                return null;
            }
        }

        if (!TryNumber(root, "from", out var from, out error) || !TryNumber(root, "til", out var til, out error))
        {
            return null;
        }

        if (from > til)
        {
            error = new ErrorResource($"from ({from}) must not exceed til ({til})", "from");
            return null;
        }

        var algorithm = "trial";
        var split = "balanced";
        if (!TryChoice(root, "algorithm", ["trial", "sieve", "formula"], ref algorithm, out error) || !TryChoice(root, "split", ["balanced", "starmap"], ref split, out error))
        {
            return null;
        }

        long? batches = null;
        if (root.TryGetProperty("batches", out var batchesElement) && batchesElement.ValueKind != JsonValueKind.Null)
        {
            if (!TryWhole(batchesElement, out var value) || value < 1 || value > maxBatches)
            {
                error = new ErrorResource($"batches must be a whole number from 1 to {maxBatches}", "batches");
                return null;
            }

            batches = (long)value;
        }

        var acceptCost = false;
        if (root.TryGetProperty("accept_cost", out var acceptElement) && acceptElement.ValueKind != JsonValueKind.Null)
        {
            if (acceptElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                error = new ErrorResource("accept_cost must be true or false", "accept_cost");
                return null;
            }

            acceptCost = acceptElement.GetBoolean();
        }

        return new JobRequest(from, til, algorithm, split, batches, acceptCost);
    }

    private static bool TryNumber(JsonElement root, string name, out ulong value, out ErrorResource? error)
    {
        value = 0;
        error = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            error = new ErrorResource($"{name} is required", name);
            return false;
        }

        if (!TryWhole(element, out var whole))
        {
            error = new ErrorResource($"{name} must be a whole number from 0 to {ulong.MaxValue}", name);
            return false;
        }

        if (whole.Sign < 0)
        {
            error = new ErrorResource($"{name} must not be negative", name);
            return false;
        }

        if (whole > ulong.MaxValue)
        {
            error = new ErrorResource($"{name} must be at most {ulong.MaxValue} (2^64 - 1)", name);
            return false;
        }

        value = (ulong)whole;
        return true;
    }

    /// <summary>A JSON integer, or a string of digits (for clients whose numbers lose precision past 2^53).</summary>
    private static bool TryWhole(JsonElement element, out BigInteger value)
    {
        value = default;
        var text = element.ValueKind switch
        {
            JsonValueKind.Number => element.GetRawText(),
            JsonValueKind.String => element.GetString(),
            _ => null,
        };
        return text is { Length: > 0 and <= 64 }
            && text.All(c => char.IsAsciiDigit(c) || c == '-')
            && BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryChoice(JsonElement root, string name, string[] choices, ref string value, out ErrorResource? error)
    {
        error = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        var text = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        if (text is null || !choices.Contains(text))
        {
            error = new ErrorResource($"{name} must be {string.Join(" or ", choices)}", name);
            return false;
        }

        value = text;
        return true;
    }
}
