using System.Buffers;
using Gateway.Host.Agents;
using Gateway.Host.Auth;
using Gateway.Host.Catalog;
using Gateway.Host.Configuration;
using Gateway.Host.Errors;
using Gateway.Host.LocalModels;
using Gateway.Host.Metrics;
using Gateway.Host.Proxy;
using Gateway.Host.Routing;
using Gateway.Host.State;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// The first step of the proxy pipeline for OpenAI operations: authenticate, read and validate
/// the body, resolve the candidate models, and hand the request to the first candidate's YARP
/// cluster with <c>model</c> rewritten to the upstream's id. When a candidate fails before any
/// byte reached the client, the next one is tried; the last failure becomes an OpenAI-shaped
/// error that names the upstream.
/// </summary>
internal sealed class FrontDoorMiddleware
{
    private readonly RequestDelegate _next;
    private readonly KeyStore _keys;
    private readonly ReloadingSnapshot<CatalogSnapshot> _catalog;
    private readonly IProxyStateLookup _proxyState;
    private readonly IOptionsMonitor<GatewayOptions> _options;
    private readonly RequestAccounting _accounting;
    private readonly GatewayMetrics _metrics;
    private readonly RoutedCandidates _routing;
    private readonly LimitEnforcer _limits;
    private readonly ResponseCaching _cache;
    private readonly LocalModelLeases _localModels;
    private readonly AgentFrontDoor _agents;

    public FrontDoorMiddleware(RequestDelegate next, KeyStore keys, ReloadingSnapshot<CatalogSnapshot> catalog,
        IProxyStateLookup proxyState, IOptionsMonitor<GatewayOptions> options,
        RequestAccounting accounting, GatewayMetrics metrics, RoutedCandidates routing, LimitEnforcer limits, ResponseCaching cache, LocalModelLeases localModels,
        AgentFrontDoor agents)
    {
        _agents = agents;
        _localModels = localModels;
        _routing = routing;
        _limits = limits;
        _cache = cache;
        _next = next;
        _keys = keys;
        _catalog = catalog;
        _proxyState = proxyState;
        _options = options;
        _accounting = accounting;
        _metrics = metrics;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.Get<GatewayRequestFeature>()!;
        var operation = CatalogProxyConfigProvider.OperationOf(context.GetRouteModel().Config.RouteId);
        var (key, error) = await _keys.AuthenticateAsync(context.Request, context.RequestAborted);
        if (error is not null)
        {
            await GatewayErrorWriter.WriteAsync(context, error);
            return;
        }

        var caller = key!;
        feature.Key = caller;
        error = await _limits.AcquireAsync(context, caller);
        if (error is not null)
        {
            await GatewayErrorWriter.WriteAsync(context, error);
            _accounting.Complete(context, operation, feature);
            return;
        }

        var body = await RequestBodyReader.ReadAsync(context.Request, _options.CurrentValue.MaxRequestBodyBytes, context.RequestAborted);
        if (body.Error is not null)
        {
            await GatewayErrorWriter.WriteAsync(context, body.Error);
            return;
        }

        var buffer = body.Buffer!;
        try
        {
            var request = buffer.AsMemory(0, body.Length);
            IReadOnlyList<CatalogModel>? candidates = null;
            error = RequestValidator.Validate(request.Span, operation, out var parsed);
            var original = request;
            if (error is null && parsed.RouteStart >= 0)
            {
                // 'route' is for the gateway; upstreams would reject an unknown parameter.
                request = UpstreamBodies.WithoutRoute(request.Span, parsed);
                error = RequestValidator.Validate(request.Span, operation, out parsed);
            }

            if (error is null && AgentFrontDoor.IsAgent(parsed.Model))
            {
                // Agents run here instead of being forwarded; their own model calls come back through this door.
                await HandleAgentAsync(context, operation, feature, caller, request, parsed);
                return;
            }

            if (error is null)
            {
                if (parsed.IsRouted)
                {
                    (error, candidates) = await _routing.ResolveAsync(context, original, parsed, operation, caller);
                }
                else
                {
                    error = ResolveCandidates(parsed, caller, out candidates);
                }
            }

            if (error is not null)
            {
                await GatewayErrorWriter.WriteAsync(context, error);
                return;
            }

            feature.Stream = parsed.Stream;
            feature.Routed = parsed.IsRouted;
            feature.StripUsageChunk = parsed.Stream && !parsed.HasStreamOptions;
            feature.Prompt = (operation, request);
            var cacheKey = _cache.KeyFor(context, operation, request.Span, caller);
            if (cacheKey is not null && await _cache.TryServeAsync(context, feature, cacheKey))
            {
                _accounting.Complete(context, operation, feature);
                return;
            }

            feature.CaptureBody = cacheKey is not null;
            await ForwardAsync(context, feature, request, parsed, candidates!);
            if (cacheKey is not null)
            {
                await _cache.StoreAsync(context, feature, cacheKey);
            }

            await _accounting.RecordAsync(context, operation, feature);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _accounting.Complete(context, operation, feature);
    }

    private async Task HandleAgentAsync(HttpContext context, OpenAIOperation operation, GatewayRequestFeature feature, VirtualKey caller,
        ReadOnlyMemory<byte> request, ParsedRequest parsed)
    {
        var name = "";
        var error = operation == OpenAIOperation.ChatCompletions
            ? _agents.Resolve(parsed.Model, caller, out name)
            : GatewayError.BadRequest($"The agent '{parsed.Model}' answers /v1/chat/completions only.", "model", "unsupported_operation");
        if (error is not null)
        {
            await GatewayErrorWriter.WriteAsync(context, error);
        }
        else
        {
            await _agents.HandleChatAsync(context, name, request, parsed.Stream);
        }

        _accounting.Complete(context, operation, feature);
    }

    private GatewayError? ResolveCandidates(ParsedRequest parsed, VirtualKey key, out IReadOnlyList<CatalogModel>? candidates)
    {
        candidates = null;
        var catalog = _catalog.Current;
        if (!catalog.TryGet(parsed.Model, out var model))
        {
            return GatewayError.ModelNotFound(parsed.Model);
        }

        if (!key.Allows(model.Name))
        {
            return GatewayError.ModelNotAllowed(model.Name, key.Name);
        }

        if (model.Fallbacks.Count == 0)
        {
            candidates = [model];
            return null;
        }

        var list = new List<CatalogModel>(model.Fallbacks.Count + 1) { model };
        foreach (var name in model.Fallbacks)
        {
            if (catalog.TryGet(name, out var fallback) && key.Allows(fallback.Name))
            {
                list.Add(fallback);
            }
        }

        candidates = list;
        return null;
    }

    private async Task ForwardAsync(HttpContext context, GatewayRequestFeature feature, ReadOnlyMemory<byte> request,
        ParsedRequest parsed, IReadOnlyList<CatalogModel> candidates)
    {
        for (var i = 0; i < candidates.Count; i++)
        {
            var model = candidates[i];
            feature.Model = model;
            feature.HasMoreCandidates = i < candidates.Count - 1;
            var acquiring = System.Diagnostics.Stopwatch.GetTimestamp();
            using var lease = model.IsLocal ? await _localModels.AcquireAsync(model, feature, context.RequestAborted) : null;
            feature.LocalModelAuthorization = lease?.Authorization;
            feature.UpstreamStartTicks += System.Diagnostics.Stopwatch.GetTimestamp() - acquiring;
            var cluster = model.IsLocal && lease is null ? null : await FindClusterAsync(model, lease?.BaseUri, context.RequestAborted);
            if (cluster is null)
            {
                feature.UpstreamError ??= GatewayError.Upstream(StatusCodes.Status503ServiceUnavailable,
                    $"The model '{model.Name}' is still being configured; retry shortly.", "model_unavailable");
                if (!feature.HasMoreCandidates)
                {
                    break;
                }

                _metrics.Fallbacks.WithLabels(model.Name, "unavailable").Inc();
                feature.ResetAttempt();
                continue;
            }

            feature.UpstreamBody = UpstreamBodies.Build(request, parsed, model, feature.StripUsageChunk);
            context.ReassignProxyRequest(cluster);
            context.Response.Headers["x-gateway-model"] = model.Name;

            await _next(context);

            var failure = FailureReason(context, feature);
            if (failure is null || context.Response.HasStarted || !feature.HasMoreCandidates)
            {
                break;
            }

            _metrics.Fallbacks.WithLabels(model.Name, failure).Inc();
            PrepareForNextAttempt(context, feature);
        }

        await ReportFailureAsync(context, feature);
    }

    /// <summary>
    /// The model's YARP cluster, once it points where the catalog snapshot says: at the server the lease holds for a
    /// local model (a fresh start or a restart), at the catalog's base URLs for a remote one. Right after a catalog
    /// reload the catalog knows a model, or its new addresses, a moment before the proxy has applied them; wait
    /// briefly rather than fail the request or send it to the old upstream.
    /// </summary>
    private async ValueTask<ClusterState?> FindClusterAsync(CatalogModel model, Uri? localEndpoint, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (_proxyState.TryGetCluster(model.ClusterId, out var cluster)
                && (localEndpoint is null ? PointsAt(cluster, model.Destinations) : PointsAt(cluster, [localEndpoint])))
            {
                return cluster;
            }

            await Task.Delay(20, cancellationToken);
        }

        return null;
    }

    /// <summary>Whether the cluster's configured destinations are exactly these addresses.</summary>
    internal static bool PointsAt(ClusterState cluster, IReadOnlyList<Uri> addresses)
    {
        var configured = cluster.Model.Config.Destinations;
        if ((configured?.Count ?? 0) != addresses.Count)
        {
            return false;
        }

        if (configured is null)
        {
            return true;
        }

        foreach (var destination in configured.Values)
        {
            var found = false;
            for (var i = 0; i < addresses.Count && !found; i++)
            {
                found = string.Equals(addresses[i].ToString(), destination.Address, StringComparison.Ordinal);
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Why the attempt failed before answering, or null when it answered (successfully or with a client error).</summary>
    private static string? FailureReason(HttpContext context, GatewayRequestFeature feature)
    {
        if (feature.UpstreamError is { } upstream)
        {
            return upstream.Status == StatusCodes.Status429TooManyRequests ? "rate_limited" : "upstream_error";
        }

        return context.Features.Get<IForwarderErrorFeature>() switch
        {
            null => null,
            { Error: ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled } => null,
            { Exception: Polly.CircuitBreaker.BrokenCircuitException } => "circuit_open",
            { Exception: Polly.Timeout.TimeoutRejectedException } or { Error: ForwarderError.RequestTimedOut } => "timeout",
            { Error: ForwarderError.NoAvailableDestinations } => "unavailable",
            _ => "unreachable",
        };
    }

    private static void PrepareForNextAttempt(HttpContext context, GatewayRequestFeature feature)
    {
        context.Features.Set<IForwarderErrorFeature>(null);
        feature.ResetAttempt();
        context.Response.Clear();
        context.Response.Headers["x-request-id"] = feature.RequestId;
    }

    private static Task ReportFailureAsync(HttpContext context, GatewayRequestFeature feature)
    {
        if (context.Response.HasStarted || feature.Model is not { } model)
        {
            return Task.CompletedTask;
        }

        if (feature.UpstreamError is { } upstreamError)
        {
            return GatewayErrorWriter.WriteAsync(context, upstreamError);
        }

        var forwarderError = context.Features.Get<IForwarderErrorFeature>();
        if (forwarderError is null || forwarderError.Error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled)
        {
            return Task.CompletedTask;
        }

        return GatewayErrorWriter.WriteAsync(context, UpstreamErrors.FromForwarder(model, forwarderError, context.Response.StatusCode));
    }
}
