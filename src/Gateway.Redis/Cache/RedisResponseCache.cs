using Gateway.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Redis.Cache;

/// <summary>
/// Responses shared by every replica: one string per request hash, written with SET PX so Redis
/// expires it; Redis's own <c>maxmemory</c> policy bounds the total. A failed read is a miss
/// (fail open) or <see cref="StateStoreUnavailableException"/> (fail closed); a failed write is
/// always dropped, since the response it holds has already been served.
/// </summary>
internal sealed class RedisResponseCache(RedisConnection redis, IOptions<RedisStateOptions> options, TimeProvider time, IStateStoreEvents events, ILogger<RedisResponseCache> logger)
    : IResponseCache
{
    private readonly StoreGuard _guard = new(redis, StateStoreNames.Cache, options.Value.Cache, options.Value, events, logger, time);

    public async ValueTask<CachedResponse?> GetAsync(string requestHash, CancellationToken cancellationToken)
    {
        try
        {
            var value = await redis.Database.StringGetAsync(redis.Key("cache:" + requestHash));
            return value.IsNull ? null : CachedResponseCodec.Decode(value!);
        }
        catch (Exception ex) when (StoreGuard.IsStoreFailure(ex))
        {
            if (!_guard.FailsOpen)
            {
                throw _guard.Refuse(ex);
            }

            _guard.Failed(ex);
            return null;
        }
    }

    public async ValueTask SetAsync(string requestHash, CachedResponse response, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        if (timeToLive <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await redis.Database.StringSetAsync(redis.Key("cache:" + requestHash), CachedResponseCodec.Encode(response), timeToLive);
        }
        catch (Exception ex) when (StoreGuard.IsStoreFailure(ex))
        {
            _guard.Failed(ex);
        }
    }
}
