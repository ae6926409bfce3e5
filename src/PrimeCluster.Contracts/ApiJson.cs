using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PrimeCluster.Contracts;

/// <summary>The one JSON style of the API and the command line: snake_case keys, exact integers.</summary>
public static class ApiJson
{
    /// <summary>
    /// The API's resources, read and written by code generated at build time: no reflection at the first request, which
    /// is most of a short command's time, and nothing for a natively compiled client to lack.
    /// </summary>
    public static readonly ApiJsonContext Types = new(Style());

    public static JsonSerializerOptions Options => Types.Options;

    /// <summary>
    /// For reading what another process sent: a field the resource requires that is missing, or null where the
    /// resource has no null, or a key given twice, is refused as bad JSON rather than left null, or the last one taken,
    /// for the reader to trip over; keys are matched as written (<c>From</c> is not <c>from</c>).
    /// </summary>
    public static readonly ApiJsonContext Received = new(Strict(Style()));

    /// <summary>The style, for a generated context of another program's own types.</summary>
    public static JsonSerializerOptions Style() => new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.Strict,

        // Answers are JSON documents, never embedded in HTML: quotes in messages stay readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static JsonSerializerOptions Strict(JsonSerializerOptions options)
    {
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.AllowDuplicateProperties = false;
        options.PropertyNameCaseInsensitive = false;
        return options;
    }
}

/// <summary>Every resource of the API; <see cref="ApiJson.Types"/> has them in the API's style.</summary>
[JsonSerializable(typeof(JobRequest))]
[JsonSerializable(typeof(JobResource))]
[JsonSerializable(typeof(List<JobResource>))]
[JsonSerializable(typeof(BatchResource))]
[JsonSerializable(typeof(List<BatchResource>))]
[JsonSerializable(typeof(ClusterResource))]
[JsonSerializable(typeof(ThroughputResource))]
[JsonSerializable(typeof(List<ThroughputResource>))]
[JsonSerializable(typeof(HealthResource))]
[JsonSerializable(typeof(ErrorResource))]
[JsonSerializable(typeof(EstimateResource))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
