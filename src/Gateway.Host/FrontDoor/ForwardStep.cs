using System.Diagnostics;
using Gateway.Errors;
using Gateway.Host.Catalog;
using Gateway.Host.LocalModels;
using Gateway.Host.Metrics;
using Gateway.Host.Proxy;
using Gateway.Host.Telemetry;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// Hands the request to the first candidate's YARP cluster with <c>model</c> rewritten to the upstream's id. When a
/// candidate fails before any byte reached the client, the next one is tried; the last failure becomes an
/// OpenAI-shaped error that names the model.
/// </summary>
internal sealed class ForwardStep(RequestDelegate next, IProxyStateLookup proxyState, LocalModelLeases localModels, GatewayMetrics metrics)
{
    // After a catalog reload the proxy applies the new clusters a moment after the catalog knows them.
    private const int ClusterWaitAttempts = 100;
    private static readonly TimeSpan ClusterWaitStep = TimeSpan.FromMilliseconds(20);

    public async Task InvokeAsync(HttpContext context)
    {
        var feature = context.Feature();
        var candidates = feature.Candidates!;
        for (var i = 0; i < candidates.Count; i++)
        {
            var model = candidates[i];
            feature.Model = model;
            feature.HasMoreCandidates = i < candidates.Count - 1;
            using var attempt = UpstreamSpans.StartAttempt(feature, i);
            var acquiring = Stopwatch.GetTimestamp();
            using var lease = model.IsLocal ? await localModels.AcquireAsync(model, feature, context.RequestAborted) : null;
            feature.LocalModelAuthorization = lease?.Authorization;
            feature.UpstreamStartTicks += Stopwatch.GetTimestamp() - acquiring;
            var cluster = model.IsLocal && lease is null ? null : await FindClusterAsync(model, lease?.BaseUri, context.RequestAborted);
            if (cluster is null)
            {
                feature.UpstreamError ??= GatewayError.Upstream(StatusCodes.Status503ServiceUnavailable,
                    $"The model '{model.Name}' is still being configured; retry shortly.", "model_unavailable");
                UpstreamSpans.Failed(feature, "unavailable");
                if (!feature.HasMoreCandidates)
                {
                    break;
                }

                metrics.Fallbacks.WithLabels(model.Name, "unavailable").Inc();
                feature.ResetAttempt();
                continue;
            }

            if (!BuildUpstreamBody(feature, model))
            {
                UpstreamSpans.Failed(feature, "unsupported");
                if (!feature.HasMoreCandidates)
                {
                    break;
                }

                metrics.Fallbacks.WithLabels(model.Name, "unsupported").Inc();
                feature.ResetAttempt();
                continue;
            }

            context.ReassignProxyRequest(cluster);
            context.Response.Headers["x-gateway-model"] = model.Name;

            await next(context);

            var failure = FailureReason(context, feature);
            UpstreamSpans.Completed(context, feature, failure);
            if (failure is null || context.Response.HasStarted || !feature.HasMoreCandidates)
            {
                break;
            }

            metrics.Fallbacks.WithLabels(model.Name, failure).Inc();
            PrepareForNextAttempt(context, feature);
        }

        await ReportFailureAsync(context, feature);
    }

    /// <summary>
    /// The body for this candidate: the caller's with the model's id, or for an Anthropic upstream its Messages API
    /// translation. What that API cannot take leaves a 400 in <see cref="GatewayRequestFeature.UpstreamError"/>, and
    /// another candidate may still answer.
    /// </summary>
    private static bool BuildUpstreamBody(GatewayRequestFeature feature, CatalogModel model)
    {
        if (!model.IsAnthropic)
        {
            feature.UpstreamBody = UpstreamBodies.Build(feature.Body, feature.Parsed, model);
            return true;
        }

        if (feature.Operation != OpenAIOperation.ChatCompletions)
        {
            feature.UpstreamError = GatewayError.BadRequest(
                $"The model '{model.Name}' is served by Anthropic's Messages API, which answers /v1/chat/completions only.", "model", "unsupported_operation");
            return false;
        }

        if (Anthropic.Upstream.ChatToMessages.Translate(feature.Body.Span, model, out var error) is not { } body)
        {
            feature.UpstreamError = error;
            return false;
        }

        feature.UpstreamBody = body;
        return true;
    }

    /// <summary>
    /// The model's YARP cluster, once it points where the catalog snapshot says: at the server the lease holds for a
    /// local model (a fresh start or a restart), at the catalog's base URLs for a remote one. Right after a catalog
    /// reload the catalog knows a model, or its new addresses, a moment before the proxy has applied them; wait
    /// briefly rather than fail the request or send it to the old upstream.
    /// </summary>
    private async ValueTask<ClusterState?> FindClusterAsync(CatalogModel model, Uri? localEndpoint, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < ClusterWaitAttempts; attempt++)
        {
            if (proxyState.TryGetCluster(model.ClusterId, out var cluster)
                && (localEndpoint is null ? PointsAt(cluster, model.Destinations) : PointsAt(cluster, [localEndpoint])))
            {
                return cluster;
            }

            await Task.Delay(ClusterWaitStep, cancellationToken);
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
