using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Gateway.Host.Telemetry;

/// <summary>
/// The gateway's sampler: the configured one (<see cref="TelemetryServiceCollectionExtensions.Sampler"/>), except that
/// the server spans of health probes, metrics scrapes and console files are dropped: they would drown the requests.
/// ASP.NET Core hands a server span's <c>url.path</c> to the sampler when it creates the span, so a dropped request
/// costs no recorded span at all, and what it calls is not sampled either (its parent was not).
/// </summary>
internal sealed class UntracedPathsSampler : Sampler
{
    private const string UrlPath = "url.path";
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);
    private readonly Sampler _inner;

    public UntracedPathsSampler(Sampler inner)
    {
        _inner = inner;
        Description = inner.Description;
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.Kind == ActivityKind.Server && samplingParameters.Tags is { } tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == UrlPath)
                {
                    if (tag.Value is string path && !IsTraced(path))
                    {
                        return Drop;
                    }

                    break;
                }
            }
        }

        return _inner.ShouldSample(samplingParameters);
    }

    /// <summary>Whether a request to this path is traced: every API path, not <c>/health</c>, <c>/alive</c>, <c>/metrics</c> or <c>/ui</c>.</summary>
    internal static bool IsTraced(string path) =>
        path.StartsWith("/v1/", StringComparison.Ordinal)
        || !(IsUnder(path, "/health") || IsUnder(path, "/alive") || IsUnder(path, "/metrics") || IsUnder(path, "/ui"));

    private static bool IsUnder(string path, string segment) =>
        path.StartsWith(segment, StringComparison.OrdinalIgnoreCase) && (path.Length == segment.Length || path[segment.Length] == '/');
}
