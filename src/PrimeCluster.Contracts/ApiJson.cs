using System.Text.Encodings.Web;
using System.Text.Json;

namespace PrimeCluster.Contracts;

/// <summary>The one JSON style of the API and the command line: snake_case keys, exact integers.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,

        // Answers are JSON documents, never embedded in HTML: quotes in messages stay readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
