namespace Gateway.Host.State;

/// <summary>Section <c>Gateway:Limits</c>: how per-key token and budget limits are reserved and settled.</summary>
public sealed class LimitsOptions
{
    public const string SectionName = "Gateway:Limits";

    /// <summary>
    /// Completion tokens a request that sets no <c>max_tokens</c> (or <c>max_completion_tokens</c>) reserves at
    /// admission under a token or budget limit, per choice. Default 1,024. The reservation is settled to the real
    /// use when the answer ends, so this bounds only how far concurrent requests can overshoot a limit.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000_000)]
    public int DefaultReservedCompletionTokens { get; set; } = 1024;

    /// <summary>
    /// How long finished requests' settlements (their real tokens and spend against what they
    /// reserved) are summed per key and reservation window before they are written to the limit
    /// store in one call (one Redis round trip per key, window and interval instead of one per
    /// request). Zero writes each request's settlement at once. Default 50 ms. Admission is never
    /// delayed: it reserves at once. A refund can therefore reach the store up to one interval late
    /// (the key looks busier meanwhile), and use beyond a reservation counts up to one interval late.
    /// </summary>
    public TimeSpan UsageFlushInterval { get; set; } = TimeSpan.FromMilliseconds(50);
}
