using System.Text;
using System.Text.Json;
using Gateway.Catalog;

namespace Gateway.Host.Catalog;

/// <summary>A validated catalog entry, ready for the hot path.</summary>
internal sealed record CatalogModel
{
    public required ModelDescriptor Descriptor { get; init; }

    public string Name => Descriptor.Name;

    /// <summary>YARP cluster id for this model's replicas.</summary>
    public required string ClusterId { get; init; }

    /// <summary>Served by a supervised local ModelServer; its destination comes from the model pool.</summary>
    public bool IsLocal { get; init; }

    public required IReadOnlyList<Uri> Destinations { get; init; }

    /// <summary>The upstream speaks Anthropic's Messages API: chat requests and answers are translated on the way.</summary>
    public bool IsAnthropic { get; init; }

    /// <summary>The <c>x-api-key</c> sent to an Anthropic upstream, or null.</summary>
    public string? UpstreamApiKey { get; init; }

    /// <summary>The <c>anthropic-version</c> sent to an Anthropic upstream.</summary>
    public string AnthropicVersion { get; init; } = "2023-06-01";

    /// <summary>The <c>max_tokens</c> an Anthropic upstream gets when the caller sets none.</summary>
    public int DefaultMaxTokens { get; init; } = 4096;

    public required string UpstreamModel { get; init; }

    /// <summary>The upstream model id as a JSON string literal, spliced into request bodies.</summary>
    public required byte[] UpstreamModelJson { get; init; }

    /// <summary><c>Bearer &lt;key&gt;</c> for the upstream, or null to send no Authorization header.</summary>
    public required string? UpstreamAuthorization { get; init; }

    public required string LoadBalancing { get; init; }

    public required TimeSpan Timeout { get; init; }

    /// <summary>Largest server-sent event accepted from the upstream; see <see cref="ModelOptions.MaxEventBytes"/>.</summary>
    public int MaxEventBytes { get; init; } = 4 * 1024 * 1024;

    public required UpstreamResilience Resilience { get; init; }

    /// <summary>YARP health checks for the replicas.</summary>
    public required HealthCheckOptions HealthCheck { get; init; }

    /// <summary>Caller headers (lower case) forwarded to the upstream; see <see cref="ModelOptions.ForwardHeaders"/>.</summary>
    public required System.Collections.Frozen.FrozenSet<string> ForwardHeaders { get; init; }

    /// <summary>Operator-configured fallback models for explicit requests, in order.</summary>
    public required IReadOnlyList<string> Fallbacks { get; init; }

    /// <summary>
    /// The upstream as callers may see it in error messages: its kind, never its addresses (they are internal; logs
    /// and the admin console have them) nor its key.
    /// </summary>
    public string DescribeUpstream() => IsLocal ? "local model server" : IsAnthropic ? "remote Anthropic upstream" : "remote upstream";

    public static byte[] EncodeJsonString(string value) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value));
}

/// <summary>Validated resilience settings of one model; equal settings share breaker state across reloads.</summary>
internal sealed record UpstreamResilience(
    TimeSpan FirstByteTimeout,
    TimeSpan TotalTimeout,
    int MaxRetries,
    double FailureRatio,
    int MinimumThroughput,
    TimeSpan SamplingDuration,
    TimeSpan BreakDuration);
