using System.Collections.Concurrent;
using Gateway.Errors;
using Gateway.Host.Configuration;
using Gateway.State;

namespace Gateway.Host.Auth;

/// <summary>
/// Authenticates callers (<c>Authorization: Bearer &lt;key&gt;</c>, or <c>x-api-key: &lt;key&gt;</c> as Anthropic's clients send it) against the configured keys, then
/// against keys managed through the admin API (<see cref="IKeyStore"/>, shared through Redis when
/// configured). Managed keys found are remembered briefly; a revocation on any replica evicts them.
/// The development key is refused as soon as any managed key exists, on any replica.
/// </summary>
internal sealed class KeyStore : IDisposable
{
    private static readonly TimeSpan RememberFor = TimeSpan.FromSeconds(30);
    // Unknown keys are remembered only briefly, so a key created on another replica works at once.
    private static readonly TimeSpan RememberUnknownFor = TimeSpan.FromSeconds(1);
    // How often the development key asks the managed store whether a key exists there yet.
    private static readonly TimeSpan ManagedKeysCheckInterval = TimeSpan.FromSeconds(1);
    private const int MaxRemembered = 10_000;

    private readonly ReloadingSnapshot<KeySnapshot> _snapshot;
    private readonly IKeyStore _managed;
    private readonly TimeProvider _time;
    private readonly string _developmentKeyHash = KeyHasher.Hash(GatewayApiKeys.Development);

    // Valid keys and unknown ones apart: a flood of wrong keys may fill (and clear) only the second.
    private readonly ConcurrentDictionary<string, (VirtualKey Key, DateTimeOffset Until)> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _unknown = new(StringComparer.Ordinal);
    private volatile bool _managedKeysExist;
    private long _nextManagedCheckTicks = long.MinValue;

    public KeyStore(ReloadingSnapshot<KeySnapshot> snapshot, IKeyStore managed, TimeProvider time)
    {
        _snapshot = snapshot;
        _managed = managed;
        _time = time;
        _managed.KeyRevoked += Forget;
    }

    public KeySnapshot Current => _snapshot.Current;

    public IKeyStore Managed => _managed;

    /// <summary>True while the development key is accepted: none configured, allowed, and no managed key known to exist.</summary>
    public bool DevelopmentKeyActive => _snapshot.Current.DevelopmentKeyActive && !_managedKeysExist;

    /// <summary>The header Anthropic's API takes the key in, accepted besides <c>Authorization: Bearer</c>.</summary>
    public const string ApiKeyHeader = "x-api-key";

    /// <summary>The SHA-256 of the key the request presents (as <see cref="AuthenticateAsync"/> reads it); null when it presents none.</summary>
    public static string? PresentedHash(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        var value = header.Count > 0 ? header[0].AsSpan().Trim() : request.Headers[ApiKeyHeader].ToString().AsSpan().Trim();
        if (header.Count > 0)
        {
            if (!value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            value = value["Bearer ".Length..].Trim();
        }

        return value.IsEmpty || value.Length > 1024 ? null : KeyHasher.Hash(value);
    }

    /// <summary>Returns the caller's key, or the 401 (or 503 when the key store is unreachable) to send.</summary>
    public async ValueTask<(VirtualKey? Key, GatewayError? Error)> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ReadOnlySpan<char> presented;
        var header = request.Headers.Authorization;
        if (header.Count > 0)
        {
            var value = header[0].AsSpan().Trim();
            if (!value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return (null, GatewayError.MissingKey());
            }

            presented = value["Bearer ".Length..].Trim();
        }
        else if (request.Headers[ApiKeyHeader] is { Count: > 0 } apiKey)
        {
            // Anthropic's clients send the key this way; Authorization wins when both come.
            presented = apiKey[0].AsSpan().Trim();
        }
        else
        {
            return (null, GatewayError.MissingKey());
        }

        if (presented.IsEmpty || presented.Length > 1024)
        {
            return (null, GatewayError.InvalidKey());
        }

        return await AuthenticateHashAsync(KeyHasher.Hash(presented), cancellationToken);
    }

    /// <summary>Authenticates the key whose SHA-256 is <paramref name="hash"/> (a batch line, sent as its owner's key).</summary>
    public async ValueTask<(VirtualKey? Key, GatewayError? Error)> AuthenticateHashAsync(string hash, CancellationToken cancellationToken)
    {
        var snapshot = _snapshot.Current;
        if (snapshot.TryGetByHash(hash, out var configured))
        {
            if (snapshot.DevelopmentKeyActive && hash == _developmentKeyHash)
            {
                return await ManagedKeysExistAsync(cancellationToken) switch
                {
                    null => (null, StoreUnavailable()),
                    true => (null, GatewayError.InvalidKey()),
                    false => (configured, null),
                };
            }

            return (configured, null);
        }

        var now = _time.GetUtcNow();
        if (_known.TryGetValue(hash, out var remembered) && remembered.Until > now)
        {
            return (remembered.Key, null);
        }

        if (_unknown.TryGetValue(hash, out var unknownUntil) && unknownUntil > now)
        {
            return (null, GatewayError.InvalidKey());
        }

        StoredKey? stored;
        try
        {
            stored = await _managed.FindByHashAsync(hash, cancellationToken);
        }
        catch (StateStoreUnavailableException)
        {
            return (null, StoreUnavailable());
        }

        if (stored is not null)
        {
            _managedKeysExist = true;
        }

        if (stored is not { Revoked: false })
        {
            Remember(_unknown, hash, now + RememberUnknownFor);
            _known.TryRemove(hash, out _);
            return (null, GatewayError.InvalidKey());
        }

        var found = VirtualKey.FromStored(stored);
        Remember(_known, hash, (found, now + RememberFor));
        _unknown.TryRemove(hash, out _);
        return (found, null);
    }

    /// <summary>Records that a managed key was just created here, so the development key stops at once.</summary>
    public void ManagedKeyCreated() => _managedKeysExist = true;

    /// <summary>Whether any managed key exists (asked of the store at most once a second until one does); null when the store is down.</summary>
    private async ValueTask<bool?> ManagedKeysExistAsync(CancellationToken cancellationToken)
    {
        if (_managedKeysExist)
        {
            return true;
        }

        var now = _time.GetTimestamp();
        var due = Interlocked.Read(ref _nextManagedCheckTicks);
        if (now < due)
        {
            return false;
        }

        try
        {
            var any = (await _managed.ListAsync(cancellationToken)).Count > 0;
            _managedKeysExist |= any;
            Interlocked.Exchange(ref _nextManagedCheckTicks, now + (long)(ManagedKeysCheckInterval.TotalSeconds * _time.TimestampFrequency));
            return any;
        }
        catch (StateStoreUnavailableException)
        {
            return null;
        }
    }

    private static void Remember<T>(ConcurrentDictionary<string, T> cache, string hash, T value)
    {
        if (cache.Count >= MaxRemembered && !cache.ContainsKey(hash))
        {
            cache.Clear();
        }

        cache[hash] = value;
    }

    private static GatewayError StoreUnavailable() =>
        GatewayError.Upstream(StatusCodes.Status503ServiceUnavailable, "The key store is unavailable; retry shortly.", "key_store_unavailable");

    public void Forget(string hash)
    {
        _known.TryRemove(hash, out _);
        _unknown.TryRemove(hash, out _);
    }

    public void Dispose() => _managed.KeyRevoked -= Forget;
}
