using System.Collections.Concurrent;
using Gateway.Host.Configuration;
using Gateway.Host.Errors;
using Gateway.State;

namespace Gateway.Host.Auth;

/// <summary>
/// Authenticates callers (<c>Authorization: Bearer &lt;key&gt;</c>) against the configured keys, then
/// against keys managed through the admin API (<see cref="IKeyStore"/>, shared through Redis when
/// configured). Managed keys found are remembered briefly; a revocation on any replica evicts them.
/// </summary>
internal sealed class KeyStore : IDisposable
{
    private static readonly TimeSpan RememberFor = TimeSpan.FromSeconds(30);
    private const int MaxRemembered = 10_000;

    private readonly ReloadingSnapshot<KeySnapshot> _snapshot;
    private readonly IKeyStore _managed;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (VirtualKey? Key, DateTimeOffset Until)> _remembered = new(StringComparer.Ordinal);

    public KeyStore(ReloadingSnapshot<KeySnapshot> snapshot, IKeyStore managed, TimeProvider time)
    {
        _snapshot = snapshot;
        _managed = managed;
        _time = time;
        _managed.KeyRevoked += Forget;
    }

    public KeySnapshot Current => _snapshot.Current;

    public IKeyStore Managed => _managed;

    /// <summary>Returns the caller's key, or the 401 (or 503 when the key store is unreachable) to send.</summary>
    public async ValueTask<(VirtualKey? Key, GatewayError? Error)> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var header = request.Headers.Authorization;
        if (header.Count == 0)
        {
            return (null, GatewayError.MissingKey());
        }

        var value = header[0].AsSpan().Trim();
        if (!value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, GatewayError.MissingKey());
        }

        var presented = value["Bearer ".Length..].Trim();
        if (presented.IsEmpty || presented.Length > 1024)
        {
            return (null, GatewayError.InvalidKey());
        }

        var hash = KeyHasher.Hash(presented);
        if (_snapshot.Current.TryGetByHash(hash, out var configured))
        {
            return (configured, null);
        }

        var now = _time.GetUtcNow();
        if (_remembered.TryGetValue(hash, out var remembered) && remembered.Until > now)
        {
            return remembered.Key is { } key ? (key, null) : (null, GatewayError.InvalidKey());
        }

        StoredKey? stored;
        try
        {
            stored = await _managed.FindByHashAsync(hash, cancellationToken);
        }
        catch (StateStoreUnavailableException)
        {
            return (null, GatewayError.Upstream(StatusCodes.Status503ServiceUnavailable, "The key store is unavailable; retry shortly.", "key_store_unavailable"));
        }

        var found = stored is { Revoked: false } ? VirtualKey.FromStored(stored) : null;
        if (_remembered.Count >= MaxRemembered)
        {
            _remembered.Clear();
        }

        // Unknown keys are remembered only briefly, so a key created on another replica works at once.
        _remembered[hash] = (found, now + (found is null ? TimeSpan.FromSeconds(1) : RememberFor));
        return found is null ? (null, GatewayError.InvalidKey()) : (found, null);
    }

    public void Forget(string hash) => _remembered.TryRemove(hash, out _);

    public void Dispose() => _managed.KeyRevoked -= Forget;
}
