using System.Text.Json;
using Gateway.Errors;
using Gateway.Host.Auth;
using Gateway.Host.Configuration;
using Gateway.Host.FrontDoor;
using Gateway.Host.Routing;
using Gateway.Host.State;
using Microsoft.Extensions.Options;

namespace Gateway.Host.Api;

/// <summary>
/// <c>POST /v1/route</c>: a dry run of the router. Body: <c>prompt</c> or <c>messages</c>, optional
/// <c>model</c> (<c>auto</c> / <c>auto:PROFILE</c>), <c>route</c> overrides and <c>pareto: true</c> to sweep
/// the cost weight. Returns the ranked candidates with predicted quality, cost terms and score.
/// </summary>
internal static class RouteEndpoints
{
    public static IEndpointRouteBuilder MapRouteEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/route", RouteAsync).RequireAuthorization(GatewayPolicies.Key);
        return endpoints;
    }

    private static async Task RouteAsync(HttpContext context, RouterService router, LimitEnforcer limits, IOptionsMonitor<GatewayOptions> options)
    {
        var key = GatewayPolicies.KeyOf(context.User)!;
        // A routing decision costs CPU: it counts against the key's request limit like any call.
        if (await limits.AcquireAsync(context, key) is { } limited)
        {
            await GatewayErrorWriter.WriteAsync(context, limited);
            return;
        }

        var (document, bodyError) = await RequestBodyReader.ReadJsonAsync(context.Request, options.CurrentValue.MaxRequestBodyBytes, context.RequestAborted);
        if (document is null)
        {
            await GatewayErrorWriter.WriteAsync(context, bodyError!);
            return;
        }

        using (document)
        {
            var error = Prepare(document.RootElement, context, router, out var prompt, out var promptTokens, out var profileName, out var profile, out var overrides, out var pareto);
            if (error is not null)
            {
                await GatewayErrorWriter.WriteAsync(context, error);
                return;
            }

            // Encoding the prompt and sweeping the Pareto front are CPU work: on the thread pool, not the I/O thread.
            var (decision, front) = await Task.Run(() =>
            {
                var routed = router.Route(prompt!, promptTokens, profile!, overrides!, key, out var sweep, pareto);
                return (routed, sweep);
            }, context.RequestAborted);
            if (decision is null)
            {
                await GatewayErrorWriter.WriteAsync(context, GatewayError.Upstream(StatusCodes.Status503ServiceUnavailable,
                    $"The router is not available: {router.LoadError}", "router_unavailable"));
                return;
            }

            await context.Response.WriteAsJsonAsync(new
            {
                @object = "route",
                profile = profileName,
                model = decision.Best?.Name,
                prompt_tokens = decision.PromptTokens,
                candidates = decision.Ranked.Select(c => new
                {
                    model = c.Name,
                    predicted_quality = c.PredictedQuality,
                    cost_terms = new { cost = c.Terms.Cost, size = c.Terms.Size, latency = c.Terms.Latency, age = c.Terms.Age },
                    expected_cost_usd = c.ExpectedCostUsd,
                    score = c.Score,
                }),
                rejected = RoutedCandidates.Visible(decision.Rejected, key).Select(r => new { model = r.Name, reason = r.Reason }),
                pareto = front?.Select(p => new { cost_weight = p.CostWeight, model = p.Model, predicted_quality = p.PredictedQuality, expected_cost_usd = p.ExpectedCostUsd }),
            }, context.RequestAborted);
        }
    }

    private static GatewayError? Prepare(JsonElement root, HttpContext context, RouterService router, out string? prompt, out int promptTokens,
        out string profileName, out RouteProfileOptions? profile, out RouteOverrides? overrides, out bool pareto)
    {
        prompt = null;
        promptTokens = 0;
        profile = null;
        overrides = null;
        profileName = RoutingSnapshot.DefaultProfile;
        pareto = false;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return GatewayError.BadRequest("The request body must be a JSON object.");
        }

        if (root.TryGetProperty("prompt", out var p) && p.ValueKind == JsonValueKind.String)
        {
            (prompt, promptTokens) = router.Settings.PromptOf(root, OpenAIOperation.Completions);
        }
        else if (root.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Array)
        {
            (prompt, promptTokens) = router.Settings.PromptOf(root, OpenAIOperation.ChatCompletions);
        }
        else
        {
            return GatewayError.BadRequest("Provide 'prompt' (a string) or 'messages' (an array).", "prompt", "missing_required_parameter");
        }

        var error = RouteOverrides.TryParseHeader(context.Request.Headers["x-gateway-route"], out var header);
        var fromBody = RouteOverrides.None;
        if (error is null && root.TryGetProperty("route", out var route))
        {
            error = RouteOverrides.TryParse(route, out fromBody);
        }

        if (error is not null)
        {
            return error;
        }

        overrides = header.Merge(fromBody);
        var model = root.TryGetProperty("model", out var mm) && mm.ValueKind == JsonValueKind.String ? mm.GetString() : "auto";
        profileName = overrides.Profile ?? (model is not null && model.StartsWith("auto:", StringComparison.Ordinal) ? model[5..] : RoutingSnapshot.DefaultProfile);
        profile = router.Settings.Profile(profileName);
        if (root.TryGetProperty("pareto", out var sweep) && sweep.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
        {
            return GatewayError.BadRequest($"Invalid type for 'pareto': expected a boolean, but got {sweep.ValueKind.ToString().ToLowerInvariant()}.", "pareto", "invalid_type");
        }

        pareto = sweep.ValueKind == JsonValueKind.True;
        return profile is null ? GatewayError.ModelNotFound($"auto:{profileName}") : null;
    }
}
