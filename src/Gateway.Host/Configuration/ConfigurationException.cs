namespace Gateway.Host.Configuration;

/// <summary>A configuration value is invalid; the message names the setting and the problem.</summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException(string message) : base(message) { }

    public ConfigurationException(string message, Exception inner) : base(message, inner) { }

    public ConfigurationException() { }
}
