using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.Errors;
using Gateway.Host.Auth;
using Gateway.Host.Catalog;
using Gateway.Host.Configuration;
using Gateway.Host.FrontDoor;
using Gateway.Host.Metrics;
using Gateway.Host.Telemetry;
using Gateway.Routing;

namespace Gateway.Host.Routing;

/// <summary>
/// Resolves <c>model: "auto"</c> / <c>"auto:PROFILE"</c> to the router's ranked candidates (kept for
/// fallback), applying the profile and the caller's overrides, and says so in the response headers.
/// </summary>
internal sealed class RoutedCandidates
{
    private readonly RouterService _router;
    private readonly ReloadingSnapshot<CatalogSnapshot> _catalog;
    private readonly GatewayMetrics _metrics;

    public RoutedCandidates(RouterService router, ReloadingSnapshot<CatalogSnapshot> catalog, GatewayMetrics metrics)
    {
        _router = router;
        _catalog = catalog;
        _metrics = metrics;
    }

    /// <summary>
    /// <see cref="Resolve"/> on the thread pool: encoding a prompt is CPU work (microseconds to tens of milliseconds,
    /// by encoder) that must not hold the I/O thread a request may be running on.
    /// </summary>
    public Task<(GatewayError? Error, IReadOnlyList<CatalogModel>? Candidates)> ResolveAsync(HttpContext context, ReadOnlyMemory<byte> body, ParsedRequest parsed,
        OpenAIOperation operation, VirtualKey key) =>
        Task.Run(() =>
        {
            using var span = context.Feature().Span is null ? null : GatewayTracing.Start("route");
            var error = Resolve(context, body.Span, parsed, operation, key, span, out var candidates);
            RouteSpans.Ended(span, error);
            return (error, candidates);
        });

    private GatewayError? Resolve(HttpContext context, ReadOnlySpan<byte> body, ParsedRequest parsed, OpenAIOperation operation,
        VirtualKey key, System.Diagnostics.Activity? span, out IReadOnlyList<CatalogModel>? candidates)
    {
        candidates = null;
        if (operation == OpenAIOperation.Embeddings)
        {
            return GatewayError.BadRequest("Embeddings need a concrete model: vectors from different models are not comparable.", "model", "routing_not_supported");
        }

        using var document = JsonDocument.Parse(body.ToArray());
        var error = RouteOverrides.TryParseHeader(context.Request.Headers["x-gateway-route"], out var header);
        if (error is not null)
        {
            return error;
        }

        var fromBody = RouteOverrides.None;
        if (document.RootElement.TryGetProperty("route", out var route) && (error = RouteOverrides.TryParse(route, out fromBody)) is not null)
        {
            return error;
        }

        var overrides = header.Merge(fromBody);
        var settings = _router.Settings;
        var profileName = overrides.Profile ?? parsed.Profile ?? RoutingSnapshot.DefaultProfile;
        if (settings.Profile(profileName) is not { } profile)
        {
            return GatewayError.ModelNotFound(parsed.Model == "auto" ? $"auto:{profileName}" : parsed.Model);
        }

        var (prompt, promptTokens) = settings.PromptOf(document.RootElement, operation);
        var decision = _router.Route(prompt, promptTokens, profile, overrides, key, out _);
        if (span is not null)
        {
            RouteSpans.Decided(span, profileName, promptTokens, decision, key);
        }

        if (decision is null)
        {
            return Fallback(context, settings, key, out candidates);
        }

        if (decision.Best is not { } best)
        {
            // Models the key may not use are not named to it, whatever else ruled them out.
            var visible = Visible(decision.Rejected, key);
            var reasons = string.Join(", ", visible.Select(r => $"{r.Name}: {r.Reason}"));
            return visible.Count > 0 && visible.All(r => r.Reason == "unhealthy")
                ? GatewayError.Upstream(StatusCodes.Status503ServiceUnavailable, $"No healthy model is available ({reasons}).", "no_healthy_model")
                : GatewayError.BadRequest($"No model satisfies the routing constraints ({reasons}).", "route", "no_eligible_model");
        }

        var catalog = _catalog.Current;
        candidates = decision.Ranked.Take(settings.MaxCandidates)
            .Select(r => catalog.TryGet(r.Name, out var m) ? m : null)
            .OfType<CatalogModel>()
            .ToArray();
        _metrics.RouterDecisions.WithLabels(profileName, best.Name).Inc();
        var headers = context.Response.Headers;
        headers["x-gateway-route-score"] = best.Score.ToString("0.####", CultureInfo.InvariantCulture);
        headers["x-gateway-route-profile"] = profileName;
        if (overrides.Explain)
        {
            headers["x-gateway-route-explain"] = Explain(decision, key);
        }

        return null;
    }

    private GatewayError? Fallback(HttpContext context, RoutingSnapshot settings, VirtualKey key, out IReadOnlyList<CatalogModel>? candidates)
    {
        candidates = null;
        if (settings.DefaultModel is { } name && _catalog.Current.TryGet(name, out var model) && key.Allows(name))
        {
            candidates = [model];
            context.Response.Headers["x-gateway-route-score"] = "fallback";
            return null;
        }

        return GatewayError.Upstream(StatusCodes.Status503ServiceUnavailable,
            $"The router is not available ({_router.LoadError}) and no usable Gateway:Routing:DefaultModel is configured.", "router_unavailable");
    }

    /// <summary>The rejected candidates a key may know of: those it may use.</summary>
    public static IReadOnlyList<RejectedCandidate> Visible(IReadOnlyList<RejectedCandidate> rejected, VirtualKey key) =>
        key.AllowedModels is null ? rejected : rejected.Where(r => key.Allows(r.Name)).ToArray();

    private static string Explain(RouteDecision decision, VirtualKey key)
    {
        var text = new StringBuilder();
        foreach (var c in decision.Ranked)
        {
            if (text.Length > 0) { text.Append("; "); }
            text.Append(CultureInfo.InvariantCulture, $"{c.Name} q={c.PredictedQuality:0.###} score={c.Score:0.###}");
        }

        foreach (var r in Visible(decision.Rejected, key))
        {
            text.Append(CultureInfo.InvariantCulture, $"; {r.Name} rejected={r.Reason}");
        }

        return text.ToString();
    }
}
