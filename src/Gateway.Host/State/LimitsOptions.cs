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
    /// request). Default zero: each request's settlement is written before its answer completes, so
    /// a client that waits for one answer before it sends the next never finds its own earlier
    /// reservation still held. Admission is never delayed: it reserves at once. With an interval, a
    /// refund can reach the store up to one interval late (the key looks busier meanwhile: under a
    /// budget smaller than one reservation, a quick next request gets a 429), and use beyond a
    /// reservation counts up to one interval late.
    /// </summary>
    public TimeSpan UsageFlushInterval { get; set; } = TimeSpan.Zero;
}
