using Akka.Configuration;
using PrimeCluster.Actors.Configuration;

namespace PrimeCluster.Actors.Tests;

public sealed class ClusterConfigSpecs
{
    [Fact]
    public void A_node_with_no_settings_should_be_a_one_node_cluster_on_loopback()
    {
        var node = ClusterConfig.Build(new NodeSettings());

        Assert.Equal("127.0.0.1", node.BindHost);
        Assert.Equal("127.0.0.1", node.PublicHost);
        Assert.Equal(4053, node.Port);
        Assert.Equal(["seed", "worker"], node.Roles);
        Assert.Empty(node.Seeds);
        Assert.Null(node.Tls);
        Assert.Equal("akka.tcp", node.Protocol);
        Assert.Equal("http://127.0.0.1:8080", node.ApiUrl);
        Assert.Equal("keep-majority", node.Hocon.GetString("akka.cluster.split-brain-resolver.active-strategy"));
    }

    [Fact]
    public void Verification_should_check_every_trial_result_and_2_percent_of_sieve_results_by_default()
    {
        var settings = PrimeClusterSettings.From(ClusterConfig.Build(new NodeSettings()).Hocon);

        Assert.Equal((1.0, 0.02, 3), (settings.TrialShare, settings.SieveShare, settings.MismatchesBeforeDown));
    }

    [Fact]
    public void A_jobs_views_and_its_checkpoints_should_each_go_out_every_150_ms_by_default()
    {
        var settings = PrimeClusterSettings.From(ClusterConfig.Build(new NodeSettings()).Hocon);

        Assert.Equal((TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(150)), (settings.ProgressInterval, settings.CheckpointInterval));
    }

    [Theory]
    [InlineData("verify.trial-share = 1.5", "must be from 0 to 1, got 1.5.")]
    [InlineData("verify.sieve-share = -0.1", "must be from 0 to 1, got -0.1.")]
    [InlineData("jobs.progress-interval = 0s", "must be a positive duration, such as 150ms.")]
    [InlineData("jobs.checkpoint-interval = -1s", "must be a positive duration, such as 150ms.")]
    public void A_share_outside_0_to_1_or_an_interval_that_is_not_positive_should_be_refused_by_name(string setting, string why)
    {
        var config = ConfigurationFactory.ParseString($"primecluster.{setting}").WithFallback(ClusterConfig.BuiltIn);

        var refused = Assert.Throws<ConfigurationException>(() => PrimeClusterSettings.From(config));

        Assert.Equal($"primecluster.{setting.Split(' ')[0]} {why}", refused.Message);
    }

    [Fact]
    public void Settings_should_override_the_file_and_a_public_address_should_bind_every_interface()
    {
        var node = ClusterConfig.Build(new NodeSettings
        {
            PublicHost = "worker-7.example",
            Port = "4100",
            Seeds = "akka.tcp://primecluster@seed-1:4053, akka.tcp://primecluster@seed-2:4053",
            Roles = "worker",
            Workers = "3",
            ApiUrl = "http://0.0.0.0:9000",
            ApiToken = "s3cret\"quoted",
        });

        Assert.Equal("0.0.0.0", node.BindHost);
        Assert.Equal("worker-7.example", node.PublicHost);
        Assert.Equal(4100, node.Port);
        Assert.Equal(["akka.tcp://primecluster@seed-1:4053", "akka.tcp://primecluster@seed-2:4053"], node.Seeds);
        Assert.Equal(["worker"], node.Roles);
        Assert.Equal(3, PrimeClusterSettings.From(node.Hocon).WorkersPerNode);
        Assert.Equal("s3cret\"quoted", node.ApiToken);
    }

    [Fact]
    public void Flags_should_win_over_environment_variables()
    {
        var environment = new Dictionary<string, string> { ["CLUSTER_PORT"] = "5000", ["WORKERS"] = "2", ["CLUSTER_ROLES"] = "seed" };
        var fromEnvironment = NodeSettings.FromEnvironment(environment.GetValueOrDefault);

        var settings = new NodeSettings { Port = "6000" }.Over(fromEnvironment);

        Assert.Equal("6000", settings.Port);
        Assert.Equal("2", settings.Workers);
        Assert.Equal("seed", settings.Roles);
    }

    [Theory]
    [InlineData("CLUSTER_PORT", "Port", "70000")]
    [InlineData("CLUSTER_PORT", "Port", "http")]
    [InlineData("CLUSTER_ROLES", "Roles", "seed,janitor")]
    [InlineData("CLUSTER_ROLES", "Roles", ",")]
    [InlineData("CLUSTER_SEEDS", "Seeds", "seed-1:4053")]
    [InlineData("CLUSTER_SEEDS", "Seeds", "akka.tcp://otherSystem@seed-1:4053")]
    [InlineData("CLUSTER_SEEDS", "Seeds", "akka.tcp://primecluster@seed-1")]
    [InlineData("WORKERS", "Workers", "-1")]
    [InlineData("WORKERS", "Workers", "many")]
    [InlineData("API_URL", "ApiUrl", "ftp://host/")]
    [InlineData("CLUSTER_IP", "PublicHost", "not a host")]
    [InlineData("CLUSTER_CONFIG", "ConfigFile", "/nonexistent/cluster.hocon")]
    public void A_bad_setting_should_be_refused_by_name(string setting, string property, string value)
    {
        var settings = property switch
        {
            "Port" => new NodeSettings { Port = value },
            "Roles" => new NodeSettings { Roles = value },
            "Seeds" => new NodeSettings { Seeds = value },
            "Workers" => new NodeSettings { Workers = value },
            "ApiUrl" => new NodeSettings { ApiUrl = value },
            "PublicHost" => new NodeSettings { PublicHost = value },
            "ConfigFile" => new NodeSettings { ConfigFile = value },
            _ => throw new ArgumentOutOfRangeException(nameof(property), property, null),
        };

        var error = Assert.Throws<SettingException>(() => ClusterConfig.Build(settings));

        Assert.Equal(setting, error.Setting);
        Assert.StartsWith($"{setting}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_worker_without_seeds_should_be_refused()
    {
        var error = Assert.Throws<SettingException>(() => ClusterConfig.Build(new NodeSettings { Roles = "worker" }));

        Assert.Equal("CLUSTER_SEEDS", error.Setting);
    }

    [Fact]
    public void A_seed_should_keep_its_journal_in_a_directory_of_its_own_per_cluster_port_by_default()
    {
        var userData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);

        var seed = ClusterConfig.Build(new NodeSettings { Port = "4100", Roles = "seed" });
        var other = ClusterConfig.Build(new NodeSettings { Port = "4101", Roles = "seed,worker" });

        Assert.Equal(Path.Combine(userData, "primecluster", "4100"), seed.DataDir);
        Assert.Equal(Path.Combine(userData, "primecluster", "4101"), other.DataDir);
        Assert.Equal(seed.DataDir, seed.Hocon.GetString("primecluster.data-dir"));
    }

    [Fact]
    public void A_worker_a_seed_told_none_or_one_at_a_port_picked_at_random_should_keep_no_journal_on_disk()
    {
        Assert.Null(ClusterConfig.Build(new NodeSettings { Roles = "worker", Seeds = "akka.tcp://primecluster@seed-1:4053", DataDir = "/var/lib/primecluster" }).DataDir);
        Assert.Null(ClusterConfig.Build(new NodeSettings { Port = "0" }).DataDir);
        Assert.Null(ClusterConfig.Build(new NodeSettings { Port = "4100", DataDir = "none" }).DataDir);
        Assert.Equal("/var/lib/primecluster", ClusterConfig.Build(new NodeSettings { Port = "0", DataDir = "/var/lib/primecluster" }).DataDir);
    }

    [Theory]
    [InlineData("primecluster.jobs.checkpoints = off", null)]
    [InlineData("primecluster.verify.trial-share = 2", "primecluster.verify.trial-share must be from 0 to 1, got 2.")]
    public void A_configuration_file_should_be_checked_before_the_node_starts(string hocon, string? refusal)
    {
        var file = Path.Combine(Path.GetTempPath(), $"primecluster-test-{Guid.NewGuid():N}.hocon");
        File.WriteAllText(file, hocon);
        try
        {
            var settings = new NodeSettings { ConfigFile = file, Port = "4100", DataDir = "/var/lib/primecluster" };
            if (refusal is null)
            {
                // A seed without checkpoints keeps no journal, so it takes no data directory.
                Assert.Null(ClusterConfig.Build(settings).DataDir);
                return;
            }

            var error = Assert.Throws<SettingException>(() => ClusterConfig.Build(settings));
            Assert.Equal($"CLUSTER_CONFIG: {refusal}", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_data_directory_should_come_from_the_flag_over_the_environment_over_the_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"primecluster-test-{Guid.NewGuid():N}.hocon");
        File.WriteAllText(file, "primecluster.data-dir = \"/from/file\"");
        try
        {
            var environment = NodeSettings.FromEnvironment(new Dictionary<string, string> { ["DATA_DIR"] = "/from/environment", ["CLUSTER_CONFIG"] = file }.GetValueOrDefault);

            Assert.Equal("/from/flag", ClusterConfig.Build(new NodeSettings { DataDir = "/from/flag" }.Over(environment)).DataDir);
            Assert.Equal("/from/environment", ClusterConfig.Build(new NodeSettings().Over(environment)).DataDir);
            Assert.Equal("/from/file", ClusterConfig.Build(new NodeSettings { ConfigFile = file }).DataDir);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
