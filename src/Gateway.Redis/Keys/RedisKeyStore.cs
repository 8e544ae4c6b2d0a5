using System.Collections.Concurrent;
using Gateway.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Redis.Keys;

/// <summary>
/// Managed keys shared by every replica: a hash per key by name, an index from SHA-256 to name and
/// a set of names. A revocation publishes the key's hash, so <see cref="KeyRevoked"/> fires on
/// every replica; this replica raises it at once for its own. Lookups that succeed refresh a
/// bounded copy of known keys which fail open answers from while Redis is down.
/// </summary>
internal sealed partial class RedisKeyStore : IKeyStore, IDisposable
{
    private const int MaxKnownKeys = 10_000;

    private readonly RedisConnection _redis;
    private readonly StoreGuard _guard;
    private readonly RedisChannel _channel;
    private readonly string _replicaId = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<string, StoredKey> _known = new(StringComparer.Ordinal);

    public RedisKeyStore(RedisConnection redis, IOptions<RedisStateOptions> options, TimeProvider time, IStateStoreEvents events, ILogger<RedisKeyStore> logger)
    {
        _redis = redis;
        _guard = new(_redis, StateStoreNames.Keys, options.Value.Keys, options.Value, events, logger, time);
        _channel = RedisChannel.Literal(redis.Prefix + "keys:revoked");
        try
        {
            // The multiplexer keeps the handler and subscribes again after every reconnect, also
            // when this first attempt finds Redis down.
            redis.Multiplexer.GetSubscriber().Subscribe(_channel, OnMessage);
        }
        catch (Exception ex) when (StoreGuard.IsStoreFailure(ex))
        {
            SubscribeDeferred(logger, ex.Message);
        }
    }

    public event Action<string>? KeyRevoked;

    public async ValueTask<StoredKey?> FindByHashAsync(string hash, CancellationToken cancellationToken)
    {
        var normalized = hash.ToLowerInvariant();
        try
        {
            var result = await _redis.Database.ScriptEvaluateAsync(KeyScripts.FindByHash,
                [_redis.Key("key-hash:" + normalized)], [_redis.Prefix + "key:"]);
            var key = result.IsNull ? null : StoredKeyFields.FromFields(ToPairs((RedisResult[])result!));
            Remember(normalized, key);
            return key;
        }
        catch (Exception ex) when (StoreGuard.IsStoreFailure(ex))
        {
            if (!_guard.FailsOpen)
            {
                throw _guard.Refuse(ex);
            }

            _guard.Failed(ex);
            return _known.GetValueOrDefault(normalized);
        }
    }

    public async ValueTask<bool> CreateAsync(StoredKey key, CancellationToken cancellationToken)
    {
        try
        {
            var created = await _redis.Database.ScriptEvaluateAsync(KeyScripts.Create,
                [_redis.Key("key:" + key.Name), _redis.Key("key-hash:" + key.Hash.ToLowerInvariant()), _redis.Key("keys")],
                StoredKeyFields.ToArguments(key));
            return (long)created == 1;
        }
        catch (Exception ex) when (StoreGuard.IsStoreFailure(ex))
        {
            throw _guard.Refuse(ex);
        }
    }

    public async ValueTask<IReadOnlyList<StoredKey>> ListAsync(CancellationToken cancellationToken)
    {
        try
        {
            var db = _redis.Database;
            var names = await db.SetMembersAsync(_redis.Key("keys"));
            var hashes = await Task.WhenAll(names.Select(n => db.HashGetAllAsync(_redis.Key("key:" + n))));
            return
            [
                .. hashes
                    .Select(h => StoredKeyFields.FromFields(h.Select(e => new KeyValuePair<string, string>(e.Name!, e.Value!))))
                    .OfType<StoredKey>()
                    .OrderBy(k => k.Name, StringComparer.Ordinal),
            ];
        }
        catch (Exception ex) when (StoreGuard.IsStoreFailure(ex))
        {
            throw _guard.Refuse(ex);
        }
    }

    public async ValueTask<bool> RevokeAsync(string name, CancellationToken cancellationToken)
    {
        RedisResult result;
        try
        {
            result = await _redis.Database.ScriptEvaluateAsync(KeyScripts.Revoke,
                [_redis.Key("key:" + name)], [_channel.ToString(), _replicaId]);
        }
        catch (Exception ex) when (StoreGuard.IsStoreFailure(ex))
        {
            throw _guard.Refuse(ex);
        }

        if (result.IsNull)
        {
            return false;
        }

        Revoked((string)result!);
        return true;
    }

    public void Dispose()
    {
        try
        {
            _redis.Multiplexer.GetSubscriber().Unsubscribe(_channel, OnMessage, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (StoreGuard.IsStoreFailure(ex))
        {
            // Shutting down while Redis is away: nothing left to unsubscribe from.
        }
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        // "<replica id>|<hash>"; this replica's own revocations were raised when they were made.
        var text = (string?)message ?? string.Empty;
        var separator = text.IndexOf('|', StringComparison.Ordinal);
        if (separator > 0 && !text.AsSpan(0, separator).SequenceEqual(_replicaId))
        {
            Revoked(text[(separator + 1)..]);
        }
    }

    private void Revoked(string hash)
    {
        _known.TryRemove(hash, out _);
        KeyRevoked?.Invoke(hash);
    }

    private void Remember(string hash, StoredKey? key)
    {
        if (key is null || key.Revoked)
        {
            _known.TryRemove(hash, out _);
        }
        else if (_known.Count < MaxKnownKeys || _known.ContainsKey(hash))
        {
            _known[hash] = key;
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> ToPairs(RedisResult[] flat)
    {
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            yield return new KeyValuePair<string, string>((string)flat[i]!, (string)flat[i + 1]!);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to key revocations yet ({Error}); the subscription is made when Redis reconnects.")]
    private static partial void SubscribeDeferred(ILogger logger, string error);
}
