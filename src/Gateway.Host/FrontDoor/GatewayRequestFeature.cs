using System.Diagnostics;
using Gateway.Host.Auth;
using Gateway.Host.Catalog;
using Gateway.Host.Errors;

namespace Gateway.Host.FrontDoor;

/// <summary>Per-request state shared by the front door's steps, the proxy transforms and error handling.</summary>
internal sealed class GatewayRequestFeature
{
    public GatewayRequestFeature(string requestId, long startTimestamp)
    {
        RequestId = requestId;
        StartTimestamp = startTimestamp;
    }

    public string RequestId { get; }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> when the request reached the gateway.</summary>
    public long StartTimestamp { get; }

    /// <summary>When the request was handed to the upstream (0 until then).</summary>
    public long SentTimestamp { get; set; }

    public VirtualKey? Key { get; set; }

    public CatalogModel? Model { get; set; }

    public bool Stream { get; set; }

    /// <summary>Set when the upstream answered with a server error that the gateway rewrites.</summary>
    public GatewayError? UpstreamError { get; set; }

    /// <summary>Milliseconds spent in the gateway before the upstream was called.</summary>
    public double OverheadMilliseconds(long now) =>
        Stopwatch.GetElapsedTime(StartTimestamp, SentTimestamp == 0 ? now : SentTimestamp).TotalMilliseconds;
}
