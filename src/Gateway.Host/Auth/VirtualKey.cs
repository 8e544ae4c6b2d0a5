using System.Collections.Frozen;
using Gateway.State;

namespace Gateway.Host.Auth;

/// <summary>An authenticated caller's key: its name, what it may use, its limits and whether it is an admin.</summary>
/// <param name="Id">
/// A stable id of this key's secret (a prefix of its SHA-256): limits, spend, the response cache and feedback are
/// kept under it, so a key revoked and created again under the same name starts afresh and two keys never share state.
/// </param>
/// <param name="Semantic">The key's semantic cache settings (null: it has none of its own and does not opt in).</param>
internal sealed record VirtualKey(string Name, FrozenSet<string>? AllowedModels, bool Admin, KeyLimits? Limits = null, bool Cache = false, string Id = "",
    SemanticCacheKeySettings? Semantic = null)
{
    /// <summary>Hex digits of the key's SHA-256 that make its <see cref="Id"/> (128 bits).</summary>
    public const int IdLength = 32;

    /// <summary>True when the key may use <paramref name="model"/>.</summary>
    public bool Allows(string model) => AllowedModels is null || AllowedModels.Contains(model);

    public static string IdOf(string hash) => "k" + hash[..IdLength];

    public static VirtualKey FromStored(StoredKey key)
    {
        var models = key.Models.Where(m => !string.IsNullOrWhiteSpace(m)).ToArray();
        var allowed = models.Length == 0 || models.Contains("*") ? null : models.ToFrozenSet(StringComparer.Ordinal);
        return new VirtualKey(key.Name, allowed, key.Admin, key.Limits, key.Cache, IdOf(key.Hash.ToLowerInvariant()),
            SemanticCacheKeySettings.Of(key.SemanticCache, key.SemanticCacheThreshold, key.CacheTenant));
    }
}

/// <summary>A key's semantic cache settings: whether it opts in by default, its threshold, the tenant whose entries it shares.</summary>
internal sealed record SemanticCacheKeySettings(bool Enabled, double? Threshold, string? Tenant)
{
    /// <summary>The settings a key's fields describe, or null when it sets none of them.</summary>
    public static SemanticCacheKeySettings? Of(bool enabled, double? threshold, string? tenant) =>
        enabled || threshold is not null || !string.IsNullOrWhiteSpace(tenant)
            ? new SemanticCacheKeySettings(enabled, threshold, string.IsNullOrWhiteSpace(tenant) ? null : tenant)
            : null;
}
