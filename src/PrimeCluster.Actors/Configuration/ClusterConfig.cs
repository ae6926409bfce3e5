using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using Akka.Actor;
using Akka.Configuration;

namespace PrimeCluster.Actors.Configuration;

/// <summary>
/// Builds a node's configuration: cluster.hocon (built in, or a file) with the node's settings laid over it,
/// each checked and refused with a message naming it.
/// </summary>
public static class ClusterConfig
{
    public const string SystemName = "primecluster";
    public const string SeedRole = "seed";
    public const string WorkerRole = "worker";
    public const int MaxWorkers = 1024;

    private static readonly string[] KnownRoles = [SeedRole, WorkerRole];

    /// <summary>The built-in cluster.hocon, the repository's file compiled into this assembly.</summary>
    public static Config BuiltIn { get; } = ConfigurationFactory.ParseString(ReadBuiltIn());

    /// <summary>The configuration for a node; throws <see cref="SettingException"/> for the first setting it cannot use.</summary>
    public static Config Build(NodeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var baseConfig = settings.ConfigFile is null ? BuiltIn : LoadFile(settings.ConfigFile);
        var tcp = "akka.remote.dot-netty.tcp";

        var bind = settings.BindHost ?? (settings.PublicHost is not null ? "0.0.0.0" : baseConfig.GetString($"{tcp}.hostname", "127.0.0.1"));
        var publicHost = settings.PublicHost ?? (settings.BindHost is null
            ? baseConfig.GetString($"{tcp}.public-hostname", bind)
            : bind == "0.0.0.0" ? Dns.GetHostName() : bind);
        CheckHost("CLUSTER_BIND", bind);
        CheckHost("CLUSTER_IP", publicHost);

        var port = settings.Port is null ? baseConfig.GetInt($"{tcp}.port", 4053) : ParseInt("CLUSTER_PORT", settings.Port, 0, 65535);
        var roles = settings.Roles is null ? baseConfig.GetStringList("akka.cluster.roles").ToList() : Split(settings.Roles);
        if (roles.Count == 0)
        {
            throw new SettingException("CLUSTER_ROLES", $"at least one role is needed: {string.Join(" or ", KnownRoles)}.");
        }

        foreach (var role in roles.Where(r => !KnownRoles.Contains(r)))
        {
            throw new SettingException("CLUSTER_ROLES", $"unknown role '{role}'; roles are {string.Join(" and ", KnownRoles)}.");
        }

        var seeds = settings.Seeds is null ? baseConfig.GetStringList("akka.cluster.seed-nodes").ToList() : Split(settings.Seeds);
        foreach (var seed in seeds)
        {
            CheckSeed(seed);
        }

        if (seeds.Count == 0 && !roles.Contains(SeedRole))
        {
            throw new SettingException("CLUSTER_SEEDS", "a node without the seed role needs the address of a seed to join.");
        }

        var workers = settings.Workers is null ? baseConfig.GetInt("primecluster.workers", 0) : ParseInt("WORKERS", settings.Workers, 0, MaxWorkers);
        var apiUrl = settings.ApiUrl ?? baseConfig.GetString("primecluster.api.url", "http://127.0.0.1:8080");
        if (!Uri.TryCreate(apiUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttp && api.Scheme != Uri.UriSchemeHttps))
        {
            throw new SettingException("API_URL", $"'{apiUrl}' is not a valid http:// or https:// URL.");
        }

        var token = settings.ApiToken ?? baseConfig.GetString("primecluster.api.token", string.Empty);

        var overrides = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"{tcp}.hostname = {Quote(bind)}")
            .AppendLine(CultureInfo.InvariantCulture, $"{tcp}.public-hostname = {Quote(publicHost)}")
            .AppendLine(CultureInfo.InvariantCulture, $"{tcp}.port = {port}")
            .AppendLine(CultureInfo.InvariantCulture, $"akka.cluster.roles = [{string.Join(", ", roles.Select(Quote))}]")
            .AppendLine(CultureInfo.InvariantCulture, $"akka.cluster.seed-nodes = [{string.Join(", ", seeds.Select(Quote))}]")
            .AppendLine(CultureInfo.InvariantCulture, $"primecluster.workers = {workers}")
            .AppendLine(CultureInfo.InvariantCulture, $"primecluster.api.url = {Quote(apiUrl)}")
            .AppendLine(CultureInfo.InvariantCulture, $"primecluster.api.token = {Quote(token)}")
            .ToString();
        return ConfigurationFactory.ParseString(overrides).WithFallback(baseConfig);
    }

    private static Config LoadFile(string path)
    {
        try
        {
            return ConfigurationFactory.ParseString(File.ReadAllText(path)).WithFallback(BuiltIn);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ConfigurationException or ArgumentException)
        {
            throw new SettingException("CLUSTER_CONFIG", $"cannot read '{path}': {e.Message}");
        }
    }

    private static void CheckSeed(string seed)
    {
        Address address;
        try
        {
            address = Address.Parse(seed);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            throw new SettingException("CLUSTER_SEEDS", $"'{seed}' is not an address like akka.tcp://{SystemName}@host:4053.");
        }

        if (address.Protocol != "akka.tcp" || address.System != SystemName || string.IsNullOrEmpty(address.Host) || address.Port is null or < 1 or > 65535)
        {
            throw new SettingException("CLUSTER_SEEDS", $"'{seed}' is not an address like akka.tcp://{SystemName}@host:4053.");
        }
    }

    private static void CheckHost(string setting, string host)
    {
        if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            throw new SettingException(setting, $"'{host}' is not a host name or IP address.");
        }
    }

    private static int ParseInt(string setting, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new SettingException(setting, $"'{text}' is not a whole number from {min} to {max}.");

    private static List<string> Split(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string ReadBuiltIn()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("cluster.hocon")
            ?? throw new InvalidOperationException("cluster.hocon is not built into the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
