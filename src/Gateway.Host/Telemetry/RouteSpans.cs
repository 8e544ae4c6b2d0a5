using System.Diagnostics;
using Gateway.Errors;
using Gateway.Host.Auth;
using Gateway.Host.Routing;
using Gateway.Routing;

namespace Gateway.Host.Telemetry;

/// <summary>The <c>route</c> span of a routed request: the profile, the ranked candidates with their scores, and what was ruled out.</summary>
internal static class RouteSpans
{
    public static void Decided(Activity span, string profile, int promptTokens, RouteDecision? decision, VirtualKey key)
    {
        span.SetTag(GatewayTracing.RouteProfile, profile);
        span.SetTag(GatewayTracing.InputTokens, promptTokens);
        if (decision is null)
        {
            span.SetTag(GatewayTracing.RouteOutcome, "router_unavailable");
            return;
        }

        var names = new string[decision.Ranked.Count];
        var scores = new double[decision.Ranked.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = decision.Ranked[i].Name;
            scores[i] = decision.Ranked[i].Score;
        }

        span.SetTag(GatewayTracing.RouteCandidates, names);
        span.SetTag(GatewayTracing.RouteScores, scores);
        // The same rule as the error message: models the key may not use are not named.
        var rejected = RoutedCandidates.Visible(decision.Rejected, key);
        if (rejected.Count > 0)
        {
            span.SetTag(GatewayTracing.RouteRejected, rejected.Select(r => r.Name + ": " + r.Reason).ToArray());
        }

        span.SetTag(GatewayTracing.RouteOutcome, decision.Best is null ? "no_eligible_model" : "routed");
    }

    public static void Ended(Activity? span, GatewayError? error)
    {
        if (span is not null && error is not null)
        {
            span.SetTag(GatewayTracing.ErrorType, error.Code ?? error.Type);
            span.SetStatus(ActivityStatusCode.Error);
        }
    }
}
