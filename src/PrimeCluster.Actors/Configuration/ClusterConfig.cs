using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using PrimeCluster.Actors.Security;

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

    /// <summary>DATA_DIR's value for a seed that keeps its job journal in memory only, as a throwaway cluster may.</summary>
    public const string NoDataDir = "none";

    private static readonly string[] KnownRoles = [SeedRole, WorkerRole];

    /// <summary>The built-in cluster.hocon, the repository's file compiled into this assembly.</summary>
    public static Config BuiltIn { get; } = ConfigurationFactory.ParseString(ReadBuiltIn());

    /// <summary>The configuration for a node; throws <see cref="SettingException"/> for the first setting it cannot use.</summary>
    public static NodeConfiguration Build(NodeSettings settings)
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

        var tls = LoadTls(settings, baseConfig);

        // A seed may be written either way; the node speaks the protocol its own TLS setting implies.
        var seeds = (settings.Seeds is null ? baseConfig.GetStringList("akka.cluster.seed-nodes").ToList() : Split(settings.Seeds))
            .Select(seed => CheckSeed(seed).WithProtocol(ProtocolFor(tls is not null)))
            .Select(address => address.ToString())
            .ToList();
        if (seeds.Count == 0 && !roles.Contains(SeedRole))
        {
            throw new SettingException("CLUSTER_SEEDS", "a node without the seed role needs the address of a seed to join.");
        }

        var workers = settings.Workers is null ? baseConfig.GetInt("primecluster.workers", 0) : ParseInt("WORKERS", settings.Workers, 0, MaxWorkers);
        var (apiUrl, token) = ReadApi(settings, baseConfig);
        if (new Uri(apiUrl).Scheme == Uri.UriSchemeHttps && tls is null)
        {
            throw new SettingException("API_URL", $"'{apiUrl}' is https, which needs the node's certificate: set TLS_CERT and TLS_CA.");
        }

        // A seed keeps a journal on disk for the checkpoints it replicates; with checkpoints off it keeps none.
        var dataDir = roles.Contains(SeedRole) && baseConfig.GetBoolean("primecluster.jobs.checkpoints", true) ? DataDirectory(settings, baseConfig, port) : null;
        var overrides = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"primecluster.data-dir = {Quote(dataDir ?? string.Empty)}")
            .AppendLine(CultureInfo.InvariantCulture, $"primecluster.workers = {workers}")
            .AppendLine(CultureInfo.InvariantCulture, $"primecluster.api.url = {Quote(apiUrl)}")
            .AppendLine(CultureInfo.InvariantCulture, $"primecluster.api.token = {Quote(token)}")
            .ToString();
        var hocon = ConfigurationFactory.ParseString(overrides).WithFallback(baseConfig);
        try
        {
            PrimeClusterSettings.From(hocon);
        }
        catch (ConfigurationException e)
        {
            throw new SettingException("CLUSTER_CONFIG", e.Message);
        }

        return new NodeConfiguration
        {
            Hocon = hocon,
            BindHost = bind,
            PublicHost = publicHost,
            Port = port,
            Roles = roles,
            Seeds = seeds,
            Tls = tls,
            DataDir = dataDir,
        };
    }

    /// <summary>A node alone in its process, seed and worker with <paramref name="workers"/> worker actors (<see cref="NodeConfiguration.Standalone"/>).</summary>
    public static NodeConfiguration BuildStandalone(int workers) =>
        Build(new NodeSettings
        {
            Roles = $"{SeedRole},{WorkerRole}",
            Seeds = string.Empty,
            Port = "0",
            DataDir = NoDataDir,
            Workers = workers.ToString(CultureInfo.InvariantCulture),
        }) with { Standalone = true };

    /// <summary>
    /// Where a seed keeps its job journal: DATA_DIR, else primecluster.data-dir, else a directory of its own per
    /// cluster port under the user's data directory, so that seeds on one machine never share a store. A seed at a
    /// port picked at random (0) has no place that a restart would find again: it keeps none unless told one; nor one
    /// told <see cref="NoDataDir"/>.
    /// </summary>
    private static string? DataDirectory(NodeSettings settings, Config baseConfig, int port)
    {
        var configured = settings.DataDir ?? Blank(baseConfig.GetString("primecluster.data-dir", string.Empty));
        if (string.Equals(configured, NoDataDir, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (configured is not null)
        {
            try
            {
                return Path.GetFullPath(configured);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
            {
                throw new SettingException("DATA_DIR", $"'{configured}' is not a directory path: {e.Message}");
            }
        }

        // $XDG_DATA_HOME, else ~/.local/share on Linux; %LOCALAPPDATA% on Windows.
        var userData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        return port == 0 || string.IsNullOrEmpty(userData)
            ? null
            : Path.Combine(userData, SystemName, port.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// What <c>primecluster-node --healthcheck</c> needs to ask its node: the API's URL and token, and over https the
    /// cluster's CA to check the node's certificate by. A probe runs every few seconds, so it reads nothing more (no
    /// key, no chain of the node's own certificate).
    /// </summary>
    public static ApiEndpoint BuildApiEndpoint(NodeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var baseConfig = settings.ConfigFile is null ? BuiltIn : LoadFile(settings.ConfigFile);
        var (apiUrl, token) = ReadApi(settings, baseConfig);
        var url = new Uri(apiUrl);
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            return new ApiEndpoint(url, token, null);
        }

        var ca = settings.TlsCa ?? Blank(baseConfig.GetString("primecluster.tls.ca", string.Empty))
            ?? throw new SettingException("API_URL", $"'{apiUrl}' is https, which needs the node's certificate: set TLS_CERT and TLS_CA.");
        return new ApiEndpoint(url, token, ClusterTls.ReadAuthority(ca));
    }

    /// <summary>The Akka protocol of a node's addresses, by whether its cluster transport runs TLS.</summary>
    public static string ProtocolFor(bool tls) => tls ? "akka.ssl.tcp" : "akka.tcp";

    /// <summary>TLS is on when TLS_CERT is set; then TLS_CA is required, and the rest must hold together.</summary>
    private static ClusterTls? LoadTls(NodeSettings settings, Config baseConfig)
    {
        var cert = settings.TlsCert ?? Blank(baseConfig.GetString("primecluster.tls.cert", string.Empty));
        var key = settings.TlsKey ?? Blank(baseConfig.GetString("primecluster.tls.key", string.Empty));
        var ca = settings.TlsCa ?? Blank(baseConfig.GetString("primecluster.tls.ca", string.Empty));
        if (cert is null)
        {
            return key is not null ? throw new SettingException("TLS_KEY", "is set but TLS_CERT is not; TLS_KEY is the private key of TLS_CERT.")
                : ca is not null ? throw new SettingException("TLS_CA", "is set but TLS_CERT is not; set TLS_CERT to this node's certificate to turn TLS on.")
                : null;
        }

        return ClusterTls.Load(cert, key, ca ?? throw new SettingException("TLS_CA", "is required with TLS_CERT: the PEM certificate of the cluster's CA, which every node's certificate is checked against."));
    }

    private static (string Url, string Token) ReadApi(NodeSettings settings, Config baseConfig)
    {
        var apiUrl = settings.ApiUrl ?? baseConfig.GetString("primecluster.api.url", "http://127.0.0.1:8080");
        if (!Uri.TryCreate(apiUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttp && api.Scheme != Uri.UriSchemeHttps))
        {
            throw new SettingException("API_URL", $"'{apiUrl}' is not a valid http:// or https:// URL.");
        }

        return (apiUrl, settings.ApiToken ?? baseConfig.GetString("primecluster.api.token", string.Empty));
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

    private static Address CheckSeed(string seed)
    {
        var example = $"akka.tcp://{SystemName}@host:4053 (or akka.ssl.tcp://)";
        Address address;
        try
        {
            address = Address.Parse(seed);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            throw new SettingException("CLUSTER_SEEDS", $"'{seed}' is not an address like {example}.");
        }

        if (address.Protocol is not ("akka.tcp" or "akka.ssl.tcp") || address.System != SystemName || string.IsNullOrEmpty(address.Host) || address.Port is null or < 1 or > 65535)
        {
            throw new SettingException("CLUSTER_SEEDS", $"'{seed}' is not an address like {example}.");
        }

        return address;
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

    private static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

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
