using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Auth;
using Gateway.Host.FrontDoor;
using Gateway.Host.Metrics;
using Gateway.State;
using Microsoft.Extensions.Options;

namespace Gateway.Host.State;

/// <summary>
/// The exact-match response cache. A request is cacheable when the caller asks for it
/// (<c>x-gateway-cache: true</c>) or when its key opts in and the request is deterministic
/// (<c>temperature</c> 0). The key is a hash of the caller's key id, the operation and the
/// request with its properties sorted; a streamed request replays the stream it cached.
/// </summary>
internal sealed class ResponseCaching
{
    private static readonly JsonDocumentOptions CanonicalJson = new() { AllowDuplicateProperties = false, MaxDepth = JsonLimits.MaxDepth };

    private readonly IResponseCache _cache;
    private readonly GatewayMetrics _metrics;
    private readonly IOptionsMonitor<CacheOptions> _options;

    public ResponseCaching(IResponseCache cache, GatewayMetrics metrics, IOptionsMonitor<CacheOptions> options)
    {
        _cache = cache;
        _metrics = metrics;
        _options = options;
    }

    /// <summary>The cache key for this request, or null when it is not to be cached.</summary>
    public string? KeyFor(HttpContext context, OpenAIOperation operation, ReadOnlySpan<byte> body, VirtualKey key)
    {
        var asked = context.Request.Headers["x-gateway-cache"].ToString();
        if (asked.Equals("false", StringComparison.OrdinalIgnoreCase) || (!key.Cache && !asked.Equals("true", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        JsonObject request;
        try
        {
            request = JsonNode.Parse(body, documentOptions: CanonicalJson)!.AsObject();
        }
        catch (JsonException)
        {
            // A property named twice in a nested object (the front door refuses it only at the top) has no one
            // canonical form: such a request is served, not cached.
            return null;
        }

        if (!asked.Equals("true", StringComparison.OrdinalIgnoreCase)
            && !(request["temperature"] is JsonValue t && t.TryGetValue<double>(out var temperature) && temperature == 0))
        {
            return null;
        }

        request.Remove("user");
        var canonical = JsonSerializer.SerializeToUtf8Bytes(Sorted(request));
        var hash = SHA256.HashData([.. System.Text.Encoding.UTF8.GetBytes($"{key.Id}\n{operation}\n"), .. canonical]);
        return Convert.ToHexStringLower(hash);
    }

    public async ValueTask<bool> TryServeAsync(HttpContext context, GatewayRequestFeature feature, string cacheKey)
    {
        CachedResponse? cached;
        try
        {
            cached = await _cache.GetAsync(cacheKey, context.RequestAborted);
        }
        catch (StateStoreUnavailableException)
        {
            cached = null;
        }

        if (cached is null)
        {
            _metrics.CacheRequests.WithLabels("miss").Inc();
            context.Response.Headers["x-gateway-cache"] = "miss";
            return false;
        }

        _metrics.CacheRequests.WithLabels("hit").Inc();
        var response = context.Response;
        response.StatusCode = cached.Status;
        response.ContentType = cached.ContentType;
        response.Headers["x-gateway-cache"] = "hit";
        response.Headers["x-gateway-model"] = cached.Model;
        await response.Body.WriteAsync(cached.Body, context.RequestAborted);
        return true;
    }

    public async ValueTask StoreAsync(HttpContext context, GatewayRequestFeature feature, string cacheKey)
    {
        if (context.Response.StatusCode != StatusCodes.Status200OK || feature.StreamError is not null
            || feature.CapturedBody is not { Length: > 0 } body || feature.Model is not { } model)
        {
            return;
        }

        try
        {
            var entry = new CachedResponse(200, context.Response.ContentType ?? "application/json", body.ToArray(), model.Name);
            await _cache.SetAsync(cacheKey, entry, _options.CurrentValue.TimeToLive, CancellationToken.None);
        }
        catch (StateStoreUnavailableException)
        {
            // A cache that cannot be written is a cache miss next time; the answer was served.
        }
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
