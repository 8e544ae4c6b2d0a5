namespace Gateway.State;

/// <summary>A virtual key managed at run time; only its SHA-256 is stored.</summary>
public sealed record StoredKey(
    string Name,
    string Hash,
    IReadOnlyList<string> Models,
    bool Admin,
    KeyLimits Limits,
    DateTimeOffset CreatedAt,
    bool Revoked = false,
    bool Cache = false);

/// <summary>
/// Keys created and revoked through the admin API. A revocation must take effect on every
/// replica sharing the store, so implementations raise <see cref="KeyRevoked"/> for revocations
/// made by any replica.
/// </summary>
public interface IKeyStore
{
    /// <summary>The key with this hex SHA-256, or null. Revoked keys are returned with <see cref="StoredKey.Revoked"/> set.</summary>
    ValueTask<StoredKey?> FindByHashAsync(string hash, CancellationToken cancellationToken);

    /// <summary>Stores a new key; false when the name is taken.</summary>
    ValueTask<bool> CreateAsync(StoredKey key, CancellationToken cancellationToken);

    /// <summary>Every managed key, revoked ones included, ordered by name (ordinal), for the admin listing.</summary>
    ValueTask<IReadOnlyList<StoredKey>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Revokes by name; false when there is no such key.</summary>
    ValueTask<bool> RevokeAsync(string name, CancellationToken cancellationToken);

    /// <summary>Raised with the revoked key's hash, for revocations by this or any other replica.</summary>
    event Action<string>? KeyRevoked;
}
