using System.Collections.Frozen;

namespace Gateway.Host.Auth;

/// <summary>An authenticated caller's key: its name, what it may use and whether it is an admin.</summary>
internal sealed record VirtualKey(string Name, FrozenSet<string>? AllowedModels, bool Admin)
{
    /// <summary>True when the key may use <paramref name="model"/>.</summary>
    public bool Allows(string model) => AllowedModels is null || AllowedModels.Contains(model);
}
