using Gateway.Host.State;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// The exact-match response cache (<see cref="ResponseCaching"/>): a hit is answered here; a cacheable miss goes on
/// with its answer captured, and is stored once it has been sent.
/// </summary>
internal sealed class CacheStep(RequestDelegate next, ResponseCaching cache)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var feature = context.Feature();
        var cacheKey = cache.KeyFor(context, feature.Operation!.Value, feature.Body.Span, feature.Key!);
        if (cacheKey is null)
        {
            await next(context);
            return;
        }

        if (await cache.TryServeAsync(context, feature, cacheKey))
        {
            return;
        }

        feature.CaptureBody = true;
        await next(context);
        await cache.StoreAsync(context, feature, cacheKey);
    }
}
