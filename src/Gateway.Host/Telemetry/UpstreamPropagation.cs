using System.Diagnostics;

namespace Gateway.Host.Telemetry;

/// <summary>
/// The trace context an upstream receives while tracing is on. The forwarder's socket handler then sends without
/// HttpClient's own diagnostics (no <c>System.Net.Http</c> span per try, which would only repeat the attempt's span
/// with its own tags), so the <c>traceparent</c>, <c>tracestate</c> and <c>baggage</c> headers are written here,
/// naming the attempt's span, or the current span of a request that is not traced (its sampled flag then off).
/// </summary>
internal sealed class UpstreamPropagation
{
    private readonly DistributedContextPropagator _propagator;
    private readonly string[] _fields;

    public UpstreamPropagation(DistributedContextPropagator propagator)
    {
        _propagator = propagator;
        _fields = [.. propagator.Fields];
    }

    public void Inject(HttpRequestMessage request, Activity? span)
    {
        // The caller's own trace headers came along with the request's; the upstream's parent is the gateway's span.
        foreach (var field in _fields)
        {
            request.Headers.Remove(field);
        }

        if (span is not null)
        {
            _propagator.Inject(span, request, static (carrier, name, value) =>
                ((HttpRequestMessage)carrier!).Headers.TryAddWithoutValidation(name, value));
        }
    }
}

/// <summary>Whether tracing is on in this process (an OTLP endpoint is configured), decided once at start-up.</summary>
internal sealed class TracingState(bool enabled)
{
    public bool Enabled { get; } = enabled;
}
