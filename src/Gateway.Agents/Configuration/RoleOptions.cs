namespace Gateway.Agents.Configuration;

/// <summary>How one role calls a model: through the gateway's router, with its own constraints.</summary>
public sealed class RoleOptions
{
    /// <summary>A catalog model, <c>auto</c> or <c>auto:&lt;profile&gt;</c> (the router picks under that profile's constraints).</summary>
    public string Model { get; set; } = "auto";

    /// <summary>Most completion tokens of one model call in this role, unless the call sets its own; 1 to 1,000,000. Default 512.</summary>
    public int MaxTokens { get; set; } = 512;

    /// <summary>Sampling temperature of this role's calls, unless the call sets its own; null (the default) leaves the model's.</summary>
    public float? Temperature { get; set; }

    /// <summary>Sampling seed, for reproducible runs on models that honour it.</summary>
    public long? Seed { get; set; }
}
