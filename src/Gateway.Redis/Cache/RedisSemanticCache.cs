using System.Buffers.Binary;
using Gateway.State;
using Gateway.State.Cache;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Redis.Cache;

/// <summary>
/// Semantic cache entries shared by every replica. Per partition, a Redis stream <c>sem:{partition}</c> holds each
/// entry's vector compactly (4-byte scale + one signed byte per dimension, 388 bytes for MiniLM), its id and expiry,
/// capped at <c>SemanticCacheMaxEntriesPerPartition</c> (XADD MAXLEN) and expiring with its newest entry; each answer
/// is a string <c>sem:{partition}:{id}</c> written with SET PX. The search runs in the gateway: each replica mirrors
/// the partitions it is asked about (<see cref="SemanticMirror"/>) and reads only the stream entries added since its
/// last lookup, so a lookup costs one XRANGE that is usually empty, the local scan, and one GET on a hit.
/// </summary>
internal sealed class RedisSemanticCache(RedisConnection redis, IOptions<RedisStateOptions> redisOptions, IOptions<StateOptions> options, TimeProvider time,
    IStateStoreEvents events, ILogger<RedisSemanticCache> logger) : ISemanticCache
{
    private readonly StoreGuard _guard = new(redis, StateStoreNames.Cache, redisOptions.Value.Cache, redisOptions.Value, events, logger, time);
    private readonly int _maxPerPartition = options.Value.SemanticCacheMaxEntriesPerPartition;
    private readonly SemanticMirror _mirror = new(options.Value.SemanticCacheMaxEntries, options.Value.SemanticCacheMaxEntriesPerPartition);

    public async ValueTask<SemanticHit?> FindAsync(string partition, ReadOnlyMemory<float> embedding, float threshold, CancellationToken cancellationToken)
    {
        try
        {
            var stream = redis.Key("sem:" + partition);
            var mirror = _mirror.Get(partition, embedding.Length);
            // Entries added since this replica last looked, oldest first ("(" makes the start exclusive).
            var added = await redis.Database.StreamRangeAsync(stream, mirror.LastId is { } last ? "(" + last : "-", "+");
            mirror.Append(added.Select(Decode).OfType<MirroredEntry>());
            if (mirror.Nearest(embedding.Span, time.GetUtcNow().UtcTicks) is not { } nearest || nearest.Similarity < threshold)
            {
                return null;
            }

            var value = await redis.Database.StringGetAsync(redis.Key("sem:" + partition + ":" + nearest.Id));
            return value.IsNull || CachedResponseCodec.Decode(value!) is not { } response ? null : new SemanticHit(response, nearest.Similarity);
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

    public async ValueTask SetAsync(string partition, ReadOnlyMemory<float> embedding, CachedResponse response, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        if (timeToLive <= TimeSpan.Zero || embedding.IsEmpty)
        {
            return;
        }

        var id = Guid.NewGuid().ToString("N");
        var vector = new byte[sizeof(float) + embedding.Length];
        BinaryPrimitives.WriteSingleLittleEndian(vector, QuantizedVector.Quantize(embedding.Span, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(vector.AsSpan(sizeof(float)))));
        var expires = (time.GetUtcNow() + timeToLive).UtcTicks;
        var stream = redis.Key("sem:" + partition);
        try
        {
            var batch = redis.Database.CreateBatch();
            var answer = batch.StringSetAsync(redis.Key("sem:" + partition + ":" + id), CachedResponseCodec.Encode(response), timeToLive);
            var add = batch.StreamAddAsync(stream, [new NameValueEntry("id", id), new NameValueEntry("v", vector), new NameValueEntry("x", expires)],
                maxLength: _maxPerPartition, useApproximateMaxLength: false);
            var expire = batch.KeyExpireAsync(stream, timeToLive);
            batch.Execute();
            await Task.WhenAll(answer, add, expire);
        }
        catch (Exception ex) when (StoreGuard.IsStoreFailure(ex))
        {
            _guard.Failed(ex);
        }
    }

    private static MirroredEntry? Decode(StreamEntry entry)
    {
        var id = entry["id"];
        var vector = (byte[]?)entry["v"];
        return id.IsNull || vector is not { Length: > sizeof(float) } || !entry["x"].TryParse(out long expires)
            ? null
            : new MirroredEntry(entry.Id.ToString(), id.ToString(), BinaryPrimitives.ReadSingleLittleEndian(vector), vector[sizeof(float)..], expires);
    }
}
