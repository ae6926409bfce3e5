using System.Text.Json;
using PrimeCluster.Contracts;
using PrimeCluster.Core;

namespace PrimeCluster.Cli.Tests;

/// <summary>A job's state in the API's JSON: the one job-state type, by the names the API has always used.</summary>
public sealed class JobResourceSpecs
{
    [Fact]
    public void A_jobs_state_should_go_over_the_wire_by_its_name_and_come_back_the_same()
    {
        foreach (var state in Enum.GetValues<JobState>())
        {
            var json = JsonSerializer.Serialize(StandInSeed.Job(state, batchesDone: 3), ApiJson.Types.JobResource);

            Assert.Equal(state.Name(), JsonDocument.Parse(json).RootElement.GetProperty("state").GetString());
            Assert.Equal(state, JsonSerializer.Deserialize(json, ApiJson.Received.JobResource)!.State);
        }
    }

    [Theory]
    [InlineData("2")]
    [InlineData("\"paused\"")]
    public void A_state_the_api_has_no_name_for_should_be_refused(string state)
    {
        var json = JsonSerializer.Serialize(StandInSeed.Job(JobState.Running, batchesDone: 3), ApiJson.Types.JobResource).Replace("\"state\":\"running\"", $"\"state\":{state}", StringComparison.Ordinal);

        Assert.Contains($"\"state\":{state}", json, StringComparison.Ordinal);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, ApiJson.Received.JobResource));
    }
}
