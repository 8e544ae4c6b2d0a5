using System.Diagnostics;
using System.Globalization;
using Gateway.Host.Auth;
using Gateway.Host.FrontDoor;
using Gateway.Host.Metrics;
using Gateway.State;
using Microsoft.Extensions.Options;

namespace Gateway.Host.State;

/// <summary>A chat request the semantic cache takes: its partition, the question's embedding and the threshold that applies.</summary>
internal sealed record SemanticLookup(string Partition, float[] Embedding, float Threshold);

/// <summary>
/// The semantic response cache. A chat request is looked up when the caller asks (<c>x-gateway-cache: semantic</c>)
/// or its key opts in, and it is deterministic (temperature 0, unless configured otherwise). The question is the last
/// user message, embedded by all-MiniLM-L6-v2; the rest of the request must match exactly (it is the partition, see
/// <see cref="SemanticCacheRequest"/>), and partitions never span tenants. A hit replays the stored answer, a
/// stream for a streamed request, as the exact cache does; only complete 200 answers are stored.
/// </summary>
internal sealed class SemanticCaching
{
    private readonly ISemanticCache _cache;
    private readonly SemanticCacheEncoder _encoder;
    private readonly GatewayMetrics _metrics;
    private readonly IOptionsMonitor<SemanticCacheOptions> _options;

    public SemanticCaching(ISemanticCache cache, SemanticCacheEncoder encoder, GatewayMetrics metrics, IOptionsMonitor<SemanticCacheOptions> options)
    {
        _cache = cache;
        _encoder = encoder;
        _metrics = metrics;
        _options = options;
    }

    /// <summary>The tenant whose entries a key reads and writes: its configured tenant, else the key itself.</summary>
    public static string TenantOf(VirtualKey key) => key.Semantic?.Tenant is { } tenant ? "tenant:" + tenant : "key:" + key.Id;

    /// <summary>The lookup for this request, or null when the semantic cache does not take it.</summary>
    public SemanticLookup? LookupFor(OpenAIOperation operation, ReadOnlySpan<byte> body, VirtualKey key, string? model)
    {
        var options = _options.CurrentValue;
        if (SemanticCacheRequest.Read(operation, body, TenantOf(key), _encoder.Encoder.Id, options.ZeroTemperatureOnly) is not { } request)
        {
            return null;
        }

        var threshold = key.Semantic?.Threshold
            ?? (model is not null && options.ModelThresholds.TryGetValue(model, out var forModel) ? forModel : options.Threshold);
        return new SemanticLookup(request.Partition, _encoder.Encoder.Encode(request.Question), (float)threshold);
    }

    public async ValueTask<bool> TryServeAsync(HttpContext context, SemanticLookup lookup, long startTimestamp)
    {
        SemanticHit? hit;
        try
        {
            hit = await _cache.FindAsync(lookup.Partition, lookup.Embedding, lookup.Threshold, context.RequestAborted);
        }
        catch (StateStoreUnavailableException)
        {
            hit = null;
        }

        _metrics.SemanticCacheLookup.Observe(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds);
        if (hit is null)
        {
            _metrics.SemanticCacheRequests.WithLabels("miss").Inc();
            context.Response.Headers["x-gateway-cache"] = "semantic-miss";
            return false;
        }

        _metrics.SemanticCacheRequests.WithLabels("hit").Inc();
        var response = context.Response;
        var cached = hit.Response;
        response.StatusCode = cached.Status;
        response.ContentType = cached.ContentType;
        response.Headers["x-gateway-cache"] = "semantic-hit";
        response.Headers["x-gateway-cache-similarity"] = hit.Similarity.ToString("0.000", CultureInfo.InvariantCulture);
        response.Headers["x-gateway-model"] = cached.Model;
        await response.Body.WriteAsync(cached.Body, context.RequestAborted);
        return true;
    }

    public async ValueTask StoreAsync(HttpContext context, GatewayRequestFeature feature, SemanticLookup lookup)
    {
        // Errors, broken streams and answers cut short by the caller are never stored.
        if (context.Response.StatusCode != StatusCodes.Status200OK || feature.StreamError is not null || context.RequestAborted.IsCancellationRequested
            || feature.CapturedBody is not { Length: > 0 } body || feature.Model is not { } model)
        {
            return;
        }

        try
        {
            var entry = new CachedResponse(200, context.Response.ContentType ?? "application/json", body.ToArray(), model.Name);
            await _cache.SetAsync(lookup.Partition, lookup.Embedding, entry, _options.CurrentValue.TimeToLive, CancellationToken.None);
            _metrics.SemanticCacheStores.Inc();
        }
        catch (StateStoreUnavailableException)
        {
            // A cache that cannot be written is a miss next time; the answer was served.
        }
    }
}
