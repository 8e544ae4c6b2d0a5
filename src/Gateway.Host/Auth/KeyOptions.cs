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

    /// <summary>Requests allowed per minute (unset = unlimited).</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Prompt + completion tokens allowed per minute (unset = unlimited).</summary>
    public long? TokensPerMinute { get; set; }

    /// <summary>Spend allowed per <see cref="BudgetPeriod"/> in USD, from catalog prices (unset = unlimited).</summary>
    public decimal? BudgetUsd { get; set; }

    /// <summary>Length of a budget period; default one day.</summary>
    public TimeSpan? BudgetPeriod { get; set; }

    /// <summary>Cache this key's deterministic requests (temperature 0) in the response cache.</summary>
    public bool Cache { get; set; }

    /// <summary>
    /// Serve this key's deterministic chat requests (temperature 0) from the semantic cache: a question close enough
    /// in meaning to one the key (or its <see cref="CacheTenant"/>) asked before gets the earlier answer.
    /// </summary>
    public bool SemanticCache { get; set; }

    /// <summary>This key's semantic cache similarity threshold, from 0.5 to 1 (unset: the model's or the global one).</summary>
    public double? SemanticCacheThreshold { get; set; }

    /// <summary>
    /// Keys naming the same tenant share semantic cache entries (unset: the key's entries are its own). Keys of
    /// different tenants never share one.
    /// </summary>
    public string? CacheTenant { get; set; }
}
