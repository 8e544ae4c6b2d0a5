using Gateway.Host.State;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// The exact-match response cache (<see cref="ResponseCaching"/>): a hit is answered here; a cacheable miss goes on
/// with its answer captured, and is stored once it has been sent.
/// </summary>
internal sealed class CacheStep(RequestDelegate next, ResponseCaching cache)
{
    // Not async for a request the cache does not take: no state machine on the common path.
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Feature();
        var cacheKey = cache.KeyFor(context, feature.Operation!.Value, feature.Body.Span, feature.Key!);
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
}
