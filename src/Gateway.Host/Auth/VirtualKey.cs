using System.Collections.Frozen;
using Gateway.State;

namespace Gateway.Host.Auth;

/// <summary>An authenticated caller's key: its name, what it may use, its limits and whether it is an admin.</summary>
internal sealed record VirtualKey(string Name, FrozenSet<string>? AllowedModels, bool Admin, KeyLimits? Limits = null, bool Cache = false)
{
    /// <summary>True when the key may use <paramref name="model"/>.</summary>
    public bool Allows(string model) => AllowedModels is null || AllowedModels.Contains(model);

    public static VirtualKey FromStored(StoredKey key)
    {
        var models = key.Models.Where(m => !string.IsNullOrWhiteSpace(m)).ToArray();
        var allowed = models.Length == 0 || models.Contains("*") ? null : models.ToFrozenSet(StringComparer.Ordinal);
        return new VirtualKey(key.Name, allowed, key.Admin, key.Limits, key.Cache);
    }
}
