namespace PrimeCluster.Core.Tests;

public sealed class JobStateSpecs
{
    [Theory]
    [InlineData(JobState.Queued, false)]
    [InlineData(JobState.Running, false)]
    [InlineData(JobState.Done, true)]
    [InlineData(JobState.Cancelled, true)]
    [InlineData(JobState.Failed, true)]
    public void A_state_should_be_terminal_only_once_the_job_is_over(JobState state, bool terminal) =>
        Assert.Equal(terminal, state.IsTerminal());

    [Fact]
    public void Every_state_should_have_its_lower_case_name() =>
        Assert.Equal(["queued", "running", "done", "cancelled", "failed"], Enum.GetValues<JobState>().Select(s => s.Name()));
}
