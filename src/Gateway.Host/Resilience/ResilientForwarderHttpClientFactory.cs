using System.Diagnostics;
using Gateway.Host.FrontDoor;
using Gateway.Host.Telemetry;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Host.Resilience;

/// <summary>Puts <see cref="UpstreamResilienceHandler"/> between YARP and the socket handler of every cluster.</summary>
internal sealed class ResilientForwarderHttpClientFactory : ForwarderHttpClientFactory
{
    private readonly UpstreamPipelines _pipelines;
    private readonly TimeProvider _time;
    private readonly UpstreamPropagation? _propagation;

    public ResilientForwarderHttpClientFactory(UpstreamPipelines pipelines, TimeProvider time, TracingState tracing)
    {
        _pipelines = pipelines;
        _time = time;
        _propagation = tracing.Enabled ? new UpstreamPropagation(DistributedContextPropagator.Current) : null;
    }

    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        if (_propagation is not null)
        {
            // Traced, the attempt's span is what the upstream is told about; HttpClient's diagnostics (a span of its
            // own per try under it, tags worked out from the URL) would double the work for nothing new.
            handler.ActivityHeadersPropagator = null;
        }
    }

    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new UpstreamResilienceHandler(_pipelines, _time, handler, _propagation);
}

/// <summary>
/// Runs each upstream call through its destination's Polly pipeline, then wraps the answer so the
/// front door can observe usage and end a broken stream cleanly.
/// </summary>
internal sealed class UpstreamResilienceHandler : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<GatewayRequestFeature> FeatureKey = new("gateway.request");
    private static readonly System.Net.Http.Headers.MediaTypeHeaderValue JsonContentType = new("application/json");

    private readonly UpstreamPipelines _pipelines;
    private readonly TimeProvider _time;
    private readonly UpstreamPropagation? _propagation;

    public UpstreamResilienceHandler(UpstreamPipelines pipelines, TimeProvider time, HttpMessageHandler inner, UpstreamPropagation? propagation = null) : base(inner)
    {
        _pipelines = pipelines;
        _time = time;
        _propagation = propagation;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(FeatureKey, out var feature) || feature.Model is not { } model)
        {
            _propagation?.Inject(request, Activity.Current);
            return await base.SendAsync(request, cancellationToken);
        }

        // The front door already holds the (rewritten) body: sending it from memory lets a retry
        // resend it, and upstreams always get it as JSON.
        var content = new ReadOnlyMemoryContent(feature.UpstreamBody);
        content.Headers.ContentType = JsonContentType;
        request.Content = content;

        var destination = request.RequestUri!.GetLeftPart(UriPartial.Authority);
        var pipeline = _pipelines.Get(model, destination).Pipeline;
        var response = await pipeline.ExecuteAsync(
            static (state, token) => new ValueTask<HttpResponseMessage>(state.Handler.SendTryAsync(state.Request, state.Feature, token)),
            (Handler: this, Request: request, Feature: feature),
            cancellationToken);
        feature.FirstByteTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        if (response.Content is { } answer && response.IsSuccessStatusCode)
        {
            feature.UpstreamSucceeded = true;
            response.Content = new ObservedContent(answer, feature, _time);
        }

        return response;
    }

    /// <summary>One HTTP try (the pipeline calls it again for a retry); traced, its span is current while it is sent.</summary>
    /// <remarks>An Anthropic upstream's answer is translated here, inside the try, so the pipeline judges it as it would an OpenAI-compatible one's.</remarks>
    private Task<HttpResponseMessage> SendTryAsync(HttpRequestMessage request, GatewayRequestFeature feature, CancellationToken cancellationToken)
    {
        Task<HttpResponseMessage> sending;
        if (feature.Span is null)
        {
            _propagation?.Inject(request, Activity.Current);
            sending = base.SendAsync(request, cancellationToken);
        }
        else
        {
            sending = SendTracedAsync(request, feature, cancellationToken);
        }

        return feature.Model!.IsAnthropic ? Anthropic.Upstream.MessagesResponses.TranslateAsync(sending, feature.Model, _time, cancellationToken) : sending;
    }

    // Async, so the try's span is current only inside it: the next try's span is the request's child, not this one's.
    private async Task<HttpResponseMessage> SendTracedAsync(HttpRequestMessage request, GatewayRequestFeature feature, CancellationToken cancellationToken)
    {
        var span = UpstreamSpans.StartTry(feature, request);
        _propagation?.Inject(request, span ?? Activity.Current);
        if (span is null)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        HttpResponseMessage? response = null;
        Exception? failure = null;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
            return response;
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            UpstreamSpans.TryAnswered(span, response, failure);
        }
    }
}
