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

    public required IReadOnlyList<Uri> Destinations { get; init; }

    public required string UpstreamModel { get; init; }

    /// <summary>The upstream model id as a JSON string literal, spliced into request bodies.</summary>
    public required byte[] UpstreamModelJson { get; init; }

    /// <summary><c>Bearer &lt;key&gt;</c> for the upstream, or null to send no Authorization header.</summary>
    public required string? UpstreamAuthorization { get; init; }

    public required string LoadBalancing { get; init; }

    public required TimeSpan Timeout { get; init; }

    /// <summary>Human-readable upstream for error messages (never includes the key).</summary>
    public string DescribeUpstream() => string.Join(", ", Destinations.Select(d => d.ToString()));

    public static byte[] EncodeJsonString(string value) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value));
}
