namespace Gateway.State;

/// <summary>A virtual key managed at run time; only its SHA-256 is stored.</summary>
/// <param name="Name">The key's unique name.</param>
/// <param name="Hash">Hex SHA-256 of the secret.</param>
/// <param name="Models">Models the key may use (empty or <c>*</c>: all).</param>
/// <param name="Admin">Whether the key may call the admin API.</param>
/// <param name="Limits">Rate limits and budget.</param>
/// <param name="CreatedAt">When the key was created.</param>
/// <param name="Revoked">Whether the key was revoked.</param>
/// <param name="Cache">Whether the key's deterministic requests use the exact response cache.</param>
/// <param name="SemanticCache">Whether the key's deterministic chat requests use the semantic cache without asking.</param>
/// <param name="SemanticCacheThreshold">The key's own similarity threshold (null: the model's or the global one).</param>
/// <param name="CacheTenant">The tenant whose semantic cache entries the key shares (null: its entries are its own).</param>
public sealed record StoredKey(
    string Name,
    string Hash,
    IReadOnlyList<string> Models,
    bool Admin,
    KeyLimits Limits,
    DateTimeOffset CreatedAt,
    bool Revoked = false,
    bool Cache = false,
    bool SemanticCache = false,
    double? SemanticCacheThreshold = null,
    string? CacheTenant = null);

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
