using System.Text.Json.Serialization;
using PrimeCluster.Contracts;

namespace PrimeCluster.Cli.Output;

/// <summary>What the command line prints as JSON beyond the API's resources, in the API's style.</summary>
public static class CliJson
{
    public static readonly CliJsonContext Types = new(ApiJson.Style());
}

[JsonSerializable(typeof(ResultReport))]
[JsonSerializable(typeof(List<ResultReport>))]
public sealed partial class CliJsonContext : JsonSerializerContext;
