namespace PrimeCluster.Actors.Configuration;

/// <summary>A node setting that cannot be used; the message names the setting.</summary>
public sealed class SettingException(string setting, string message) : Exception($"{setting}: {message}")
{
    public string Setting { get; } = setting;
}
