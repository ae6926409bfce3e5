using System.Text.Json;

namespace PrimeCluster.Cli.Output;

/// <summary>One JSON style for every command: snake_case keys, exact integers.</summary>
public static class JsonFormat
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
