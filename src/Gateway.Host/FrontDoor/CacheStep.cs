using System.Diagnostics;
using Gateway.Errors;
using Gateway.Host.State;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// The response caches: the semantic one (<see cref="SemanticCaching"/>) for a chat request whose caller asks for it
/// (<c>x-gateway-cache: semantic</c>) or whose key opts in, else the exact-match one (<see cref="ResponseCaching"/>).
/// A hit is answered here; a cacheable miss goes on with its answer captured, and is stored once it has been sent.
/// <c>x-gateway-cache</c> takes <c>true</c>, <c>false</c> or <c>semantic</c>; any other value is a 400.
/// </summary>
internal sealed class CacheStep(RequestDelegate next, ResponseCaching cache, SemanticCaching semantic)
{
    // Not async for a request the caches do not take: no state machine on the common path.
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Feature();
        var asked = context.Request.Headers["x-gateway-cache"].ToString();
        var askedSemantic = asked.Equals("semantic", StringComparison.OrdinalIgnoreCase);
        if (asked.Length > 0 && !askedSemantic && !asked.Equals("true", StringComparison.OrdinalIgnoreCase) && !asked.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return GatewayErrorWriter.WriteAsync(context, GatewayError.BadRequest(
                "The header 'x-gateway-cache' must be 'true', 'false' or 'semantic'.", "x-gateway-cache", "invalid_cache_mode"));
        }

        var key = feature.Key!;
        if (askedSemantic || (asked.Length == 0 && key.Semantic is { Enabled: true }))
        {
            var started = Stopwatch.GetTimestamp();
            if (semantic.LookupFor(feature.Operation!.Value, feature.Body.Span, key, feature.Parsed.Model) is { } lookup)
            {
                return ServeOrCaptureAsync(context, feature, lookup, started);
            }

            if (askedSemantic)
            {
                return next(context);
            }
        }

        var cacheKey = cache.KeyFor(context, feature.Operation!.Value, feature.Body.Span, key);
        return cacheKey is null ? next(context) : ServeOrCaptureAsync(context, feature, cacheKey);
    }

    private async Task ServeOrCaptureAsync(HttpContext context, GatewayRequestFeature feature, string cacheKey)
    {
        if (await cache.TryServeAsync(context, feature, cacheKey))
        {
            return;
        }

        feature.CaptureBody = true;
        await next(context);
        await cache.StoreAsync(context, feature, cacheKey);
    }

    private async Task ServeOrCaptureAsync(HttpContext context, GatewayRequestFeature feature, SemanticLookup lookup, long started)
    {
        if (await semantic.TryServeAsync(context, lookup, started))
        {
            return;
        }

        feature.CaptureBody = true;
        await next(context);
        await semantic.StoreAsync(context, feature, lookup);
    }
}
