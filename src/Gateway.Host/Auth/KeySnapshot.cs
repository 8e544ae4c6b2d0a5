using System.Collections.Frozen;
using Gateway.Host.Configuration;
using Gateway.State;

namespace Gateway.Host.Auth;

/// <summary>The configured virtual keys by hash; replaced whole on reload.</summary>
internal sealed class KeySnapshot
{
    public const string SectionName = "Gateway:Keys";

    private readonly FrozenDictionary<string, VirtualKey> _byHash;

    private KeySnapshot(FrozenDictionary<string, VirtualKey> byHash, bool developmentKeyActive)
    {
        _byHash = byHash;
        DevelopmentKeyActive = developmentKeyActive;
    }

    /// <summary>
    /// True when no keys are configured and the development key is allowed; it is still refused once a managed key
    /// exists (see <see cref="KeyStore"/>).
    /// </summary>
    public bool DevelopmentKeyActive { get; }

    public int Count => _byHash.Count;

    public bool TryAuthenticate(ReadOnlySpan<char> presentedKey, out VirtualKey key) =>
        _byHash.TryGetValue(KeyHasher.Hash(presentedKey), out key!);

    public bool TryGetByHash(string hash, out VirtualKey key) => _byHash.TryGetValue(hash, out key!);

    public static KeySnapshot Build(IConfiguration configuration)
    {
        var allowDevelopmentKey = configuration.GetValue($"{GatewayOptions.SectionName}:{nameof(GatewayOptions.AllowDevelopmentKey)}", false);
        var keys = new Dictionary<string, VirtualKey>(StringComparer.Ordinal);
        foreach (var section in configuration.GetSection(SectionName).GetChildren())
        {
            KeyOptions options;
            try
            {
                options = section.Get<KeyOptions>() ?? new KeyOptions();
            }
            catch (InvalidOperationException ex)
            {
                throw new ConfigurationException(ex.InnerException is null ? ex.Message : $"{ex.Message} {ex.InnerException.Message}", ex);
            }

            var hash = KeyHasher.NormalizeStoredHash(options.Hash)
                ?? throw new ConfigurationException($"{section.Path}:Hash must be a hex SHA-256 (64 hex digits, optionally 'sha256:'-prefixed).");
            if (options.Disabled)
            {
                continue;
            }

            var models = options.Models.Where(m => !string.IsNullOrWhiteSpace(m)).ToArray();
            var allowed = models.Length == 0 || models.Contains("*") ? null : models.ToFrozenSet(StringComparer.Ordinal);
            if (options.RequestsPerMinute is <= 0 || options.TokensPerMinute is <= 0 || options.BudgetUsd is < 0 || options.BudgetPeriod is { } period && period <= TimeSpan.Zero)
            {
                throw new ConfigurationException($"{section.Path}: limits must be positive.");
            }

            var limits = new Gateway.State.KeyLimits(options.RequestsPerMinute, options.TokensPerMinute, options.BudgetUsd, options.BudgetPeriod);
            if (options.SemanticCacheThreshold is { } threshold && !(threshold >= State.SemanticCacheOptions.MinThreshold && threshold <= 1))
            {
                throw new ConfigurationException($"{section.Path}:SemanticCacheThreshold must be from {State.SemanticCacheOptions.MinThreshold} to 1.");
            }

            var semantic = SemanticCacheKeySettings.Of(options.SemanticCache, options.SemanticCacheThreshold, options.CacheTenant);
            if (!keys.TryAdd(hash, new VirtualKey(section.Key, allowed, options.Admin, limits.IsUnlimited ? null : limits, options.Cache, VirtualKey.IdOf(hash), semantic)))
            {
                throw new ConfigurationException($"{section.Path}: the same key hash is configured twice.");
            }
        }

        var developmentKeyActive = keys.Count == 0 && allowDevelopmentKey;
        if (developmentKeyActive)
        {
            var hash = KeyHasher.Hash(GatewayApiKeys.Development);
            keys[hash] = new VirtualKey("development", null, Admin: true, Id: VirtualKey.IdOf(hash));
        }

        return new KeySnapshot(keys.ToFrozenDictionary(StringComparer.Ordinal), developmentKeyActive);
    }
}
