using System.Collections.Concurrent;

namespace Gateway.State.Keys;

/// <summary>Managed keys of a single replica, lost on restart: the embedded default and a test double.</summary>
internal sealed class InMemoryKeyStore : IKeyStore
{
    private readonly ConcurrentDictionary<string, StoredKey> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _nameByHash = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    public event Action<string>? KeyRevoked;

    public ValueTask<StoredKey?> FindByHashAsync(string hash, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_nameByHash.TryGetValue(hash, out var name) && _byName.TryGetValue(name, out var key) ? key : null);

    public ValueTask<bool> CreateAsync(StoredKey key, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_byName.ContainsKey(key.Name) || _nameByHash.ContainsKey(key.Hash))
            {
                return ValueTask.FromResult(false);
            }

            _byName[key.Name] = key;
            _nameByHash[key.Hash] = key.Name;
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<IReadOnlyList<StoredKey>> ListAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<StoredKey>>([.. _byName.Values.OrderBy(k => k.Name, StringComparer.Ordinal)]);

    public ValueTask<bool> RevokeAsync(string name, CancellationToken cancellationToken)
    {
        StoredKey revoked;
        lock (_lock)
        {
            if (!_byName.TryGetValue(name, out var key))
            {
                return ValueTask.FromResult(false);
            }

            revoked = key with { Revoked = true };
            _byName[name] = revoked;
        }

        KeyRevoked?.Invoke(revoked.Hash);
        return ValueTask.FromResult(true);
    }
}
