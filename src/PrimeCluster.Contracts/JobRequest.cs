using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using PrimeCluster.Core;
using PrimeCluster.Core.Execution;

namespace PrimeCluster.Contracts;

/// <summary>
/// The body of <c>POST /jobs</c> and <c>POST /jobs/estimate</c>: <c>from</c> and <c>til</c> required; <c>algorithm</c>,
/// <c>split</c>, <c>batches</c> and <c>accept_cost</c> optional (absent or null: the default). Bound by the code
/// System.Text.Json generates (<see cref="ApiJsonContext"/>), held to the rules of <see cref="JobInput"/>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record JobRequest
{
    public const int MaxBodyBytes = 16 * 1024;

    /// <summary>How the API names a job's fields when it refuses one: by their keys.</summary>
    public static readonly JobWording Wording = new("from", "til", "algorithm", "split", "batches", QuotesInput: false);

    /// <summary>A JSON integer, or a string of digits for clients whose numbers lose precision past 2^53.</summary>
    [JsonConverter(typeof(WholeNumberJson))]
    public required ulong From { get; init; }

    /// <inheritdoc cref="From"/>
    [JsonConverter(typeof(WholeNumberJson))]
    public required ulong Til { get; init; }

    [JsonConverter(typeof(ByNameJson<Algorithm>))]
    public Algorithm? Algorithm { get; init; }

    [JsonConverter(typeof(ByNameJson<SplitStrategy>))]
    public SplitStrategy? Split { get; init; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? Batches { get; init; }

    /// <summary>Run a trial job over the cluster's cost limit all the same.</summary>
    public bool? AcceptCost { get; init; }

    /// <summary>The request for <paramref name="spec"/>.</summary>
    public static JobRequest For(JobSpec spec, bool acceptCost = false)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new JobRequest
        {
            From = spec.Range.From,
            Til = spec.Range.Til,
            Algorithm = spec.Algorithm,
            Split = spec.Split,
            Batches = spec.Batches,
            AcceptCost = acceptCost,
        };
    }

    /// <summary>
    /// The request in <paramref name="body"/> and the job it asks for; on bad input, null and the error naming the key
    /// (or <c>body</c>).
    /// </summary>
    public static JobRequest? Parse(ReadOnlySpan<byte> body, out JobSpec? spec, out ErrorResource? error)
    {
        spec = null;
        var keys = new List<string>();
        error = Scan(body, keys);
        if (error is not null)
        {
            return null;
        }

        JobRequest request;
        try
        {
            request = JsonSerializer.Deserialize(body, ApiJson.Received.JobRequest)!;
        }
        catch (JsonException e)
        {
            error = Refusal(e, keys);
            return null;
        }

        if (JobInput.Spec(request.From, request.Til, request.Algorithm, request.Split, request.Batches, Wording, out spec) is { } refusal)
        {
            error = new ErrorResource(refusal.Message, Wording.Name(refusal.Field));
            return null;
        }

        return request;
    }

    /// <summary>
    /// What the generated code cannot be asked to refuse by name: a body that is not UTF-8, not JSON, not an object,
    /// or holds a string that is not Unicode; <paramref name="keys"/> gets the object's keys, in order, so that a
    /// refusal of the generated code can name its key.
    /// </summary>
    private static ErrorResource? Scan(ReadOnlySpan<byte> body, List<string> keys)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return new ErrorResource("the body is not valid UTF-8", "body");
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 8 });
        try
        {
            var isObject = reader.Read() && reader.TokenType == JsonTokenType.StartObject;
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String)
                {
                    // Unescaped here, so that an escaped lone surrogate (\ud800) is refused as such, key or value.
                    var text = reader.GetString()!;
                    if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                    {
                        keys.Add(text);
                    }
                }
            }

            return isObject ? null : new ErrorResource("the body must be a JSON object like {\"from\": 0, \"til\": 100000}", "body");
        }
        catch (JsonException e)
        {
            return new ErrorResource($"the body is not valid JSON: {e.Message}", "body");
        }
        catch (InvalidOperationException)
        {
            return new ErrorResource("the body holds a string that is not valid Unicode (a lone surrogate escape such as \\ud800)", "body");
        }
    }

    /// <summary>A refusal of the generated code, by the key it stopped at (<see cref="JsonException.Path"/>: <c>$.til</c>).</summary>
    private static ErrorResource Refusal(JsonException e, List<string> keys)
    {
        var fields = ApiJson.Received.JobRequest.Properties.Select(p => p.Name).ToList();
        var key = KeyOf(e.Path);
        if (key is null)
        {
            // At the end of the object: a required member is missing.
            var missing = ApiJson.Received.JobRequest.Properties.First(p => p.IsRequired && !keys.Contains(p.Name)).Name;
            return new ErrorResource($"{missing} is required", missing);
        }

        if (!fields.Contains(key))
        {
            return new ErrorResource($"unknown field '{key}'; fields are {string.Join(", ", fields)}", key);
        }

        // JSON leaves a repeated key to the reader, which would take the last: "til": 20, "til": 2^64-1.
        if (keys.Count(k => k == key) > 1)
        {
            return new ErrorResource($"{key} is given more than once; give each field once", key);
        }

        var field = key == "from" ? JobField.From : JobField.Til;
        var message = key switch
        {
            "from" or "til" when e is WholeNumberJson.RefusedException refused => refused.For(field).Message,
            "from" or "til" => $"{key} is required",
            "algorithm" => JobInput.NotAName(JobField.Algorithm, string.Empty, Wording).Message,
            "split" => JobInput.NotAName(JobField.Split, string.Empty, Wording).Message,
            "batches" => JobInput.BatchesRefused(string.Empty, Wording).Message,
            _ => $"{key} must be true or false",
        };
        return new ErrorResource(message, key);
    }

    /// <summary>The key of a path to a member of the body, <c>$.til</c> or <c>$['odd key']</c>; null for the body itself.</summary>
    private static string? KeyOf(string? path) => path switch
    {
        ['$', '[', '\'', .. var quoted, '\'', ']'] => quoted.Replace("\\'", "'", StringComparison.Ordinal),
        ['$', '.', .. var name] => name,
        _ => null,
    };
}

/// <summary>
/// A number from 0 to 2^64 - 1, exact: a JSON integer, or a string of digits; anything else is refused as
/// <see cref="JobInput.ReadNumber"/> says.
/// </summary>
internal sealed class WholeNumberJson : JsonConverter<ulong>
{
    public override bool HandleNull => true;

    public override ulong Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            throw new JsonException();
        }

        var text = reader.TokenType switch
        {
            JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
            JsonTokenType.String => reader.GetString()!,
            _ => string.Empty,
        };
        var problem = JobInput.ReadNumber(text, out var value, out var whole);
        return problem == NumberProblem.None ? value : throw new RefusedException(problem, text, whole);
    }

    public override void Write(Utf8JsonWriter writer, ulong value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumberValue(value);
    }

    /// <summary>The number refused, and why; the generated code adds the key it was given for.</summary>
    internal sealed class RefusedException(NumberProblem problem, string given, BigInteger whole) : JsonException
    {
        public JobRefusal For(JobField field) => JobInput.Refuse(field, problem, given, whole, JobRequest.Wording);
    }
}

/// <summary>An enum by its name, in snake_case (<c>trial</c>), in any case when read; never by its number.</summary>
internal sealed class ByNameJson<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where T : struct, Enum;
