using System.ComponentModel.DataAnnotations;

namespace Gateway.Host.Configuration;

/// <summary>Front-door settings, section <c>Gateway</c>.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Largest request body accepted; larger bodies get 413. Default 8 MiB.</summary>
    [Range(1024, 1L << 31)]
    public long MaxRequestBodyBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>
    /// Folder of extra <c>*.json</c> configuration files (models, keys, routing), loaded after
    /// <c>appsettings.json</c> and before environment variables, and reloaded on change.
    /// Relative paths are resolved against the content root.
    /// </summary>
    public string ConfigDirectory { get; set; } = "config";

    /// <summary>
    /// Whether the public development key (<c>sk-gateway-dev</c>, an admin key) is accepted while no keys are
    /// configured and none has been created through the admin API. Default off; the repository's
    /// <c>dotnet run</c> profile turns it on for local use.
    /// </summary>
    public bool AllowDevelopmentKey { get; set; }

    /// <summary>Prometheus <c>/metrics</c>.</summary>
    public MetricsOptions Metrics { get; set; } = new();
}

/// <summary>Section <c>Gateway:Metrics</c>.</summary>
public sealed class MetricsOptions
{
    /// <summary>Serve <c>/metrics</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A separate management port for <c>/metrics</c>; null serves it on the main port.</summary>
    [Range(1, 65535)]
    public int? Port { get; set; }
}
