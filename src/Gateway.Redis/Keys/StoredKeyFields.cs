using System.Globalization;
using System.Text.Json;
using Gateway.State;
using StackExchange.Redis;

namespace Gateway.Redis.Keys;

/// <summary>A <see cref="StoredKey"/> as the fields of a Redis hash, readable with redis-cli.</summary>
internal static class StoredKeyFields
{
    public static RedisValue[] ToArguments(StoredKey key)
    {
        var fields = new List<RedisValue>
        {
            key.Name,
            "name", key.Name,
            "hash", key.Hash.ToLowerInvariant(),
            "models", JsonSerializer.Serialize([.. key.Models], StateJsonContext.Default.StringArray),
            "admin", key.Admin ? 1 : 0,
            "cache", key.Cache ? 1 : 0,
            "semantic_cache", key.SemanticCache ? 1 : 0,
            "revoked", key.Revoked ? 1 : 0,
            "created_at", key.CreatedAt.ToUnixTimeMilliseconds(),
        };
        Add(fields, "rpm", key.Limits.RequestsPerMinute?.ToString(CultureInfo.InvariantCulture));
        Add(fields, "tpm", key.Limits.TokensPerMinute?.ToString(CultureInfo.InvariantCulture));
        Add(fields, "budget_usd", key.Limits.BudgetUsd?.ToString(CultureInfo.InvariantCulture));
        Add(fields, "semantic_cache_threshold", key.SemanticCacheThreshold?.ToString("R", CultureInfo.InvariantCulture));
        Add(fields, "cache_tenant", key.CacheTenant);
        Add(fields, "budget_period_ms", key.Limits.BudgetPeriod is { } p ? ((long)p.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : null);
        return [.. fields];
    }

    public static StoredKey? FromFields(IEnumerable<KeyValuePair<string, string>> entries)
    {
        var f = entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        if (!f.TryGetValue("name", out var name) || !f.TryGetValue("hash", out var hash))
        {
            return null;
        }

        var limits = new KeyLimits(
            f.TryGetValue("rpm", out var rpm) ? int.Parse(rpm, CultureInfo.InvariantCulture) : null,
            f.TryGetValue("tpm", out var tpm) ? long.Parse(tpm, CultureInfo.InvariantCulture) : null,
            f.TryGetValue("budget_usd", out var usd) ? decimal.Parse(usd, CultureInfo.InvariantCulture) : null,
            f.TryGetValue("budget_period_ms", out var period) ? TimeSpan.FromMilliseconds(long.Parse(period, CultureInfo.InvariantCulture)) : null);
        return new StoredKey(
            name,
            hash,
            f.TryGetValue("models", out var models) ? JsonSerializer.Deserialize(models, StateJsonContext.Default.StringArray) ?? [] : [],
            f.GetValueOrDefault("admin") == "1",
            limits,
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(f.GetValueOrDefault("created_at", "0"), CultureInfo.InvariantCulture)),
            f.GetValueOrDefault("revoked") == "1",
            f.GetValueOrDefault("cache") == "1",
            f.GetValueOrDefault("semantic_cache") == "1",
            f.TryGetValue("semantic_cache_threshold", out var threshold) ? double.Parse(threshold, CultureInfo.InvariantCulture) : null,
            f.GetValueOrDefault("cache_tenant"));
    }

    private static void Add(List<RedisValue> fields, string name, string? value)
    {
        if (value is not null)
        {
            fields.Add(name);
            fields.Add(value);
        }
    }
}
