namespace Gateway.Host.Auth;

/// <summary>
/// A virtual API key, section <c>Gateway:Keys:&lt;name&gt;</c>. Only the key's SHA-256 is stored;
/// <c>Gateway.Host keys hash --key KEY</c> prints it.
/// </summary>
public sealed class KeyOptions
{
    /// <summary>Hex SHA-256 of the key, optionally prefixed with <c>sha256:</c>.</summary>
    public string? Hash { get; set; }

    /// <summary>Models this key may use; empty or <c>*</c> means every model.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>Whether the key may call admin endpoints.</summary>
    public bool Admin { get; set; }

    /// <summary>A disabled key is rejected like an unknown one.</summary>
    public bool Disabled { get; set; }
}
