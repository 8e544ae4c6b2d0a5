using System.ComponentModel.DataAnnotations;

namespace Gateway.Redis;

/// <summary>What a store does when Redis cannot answer.</summary>
public enum StateFailurePolicy
{
    /// <summary>Keep serving: allow, miss or drop, as the store documents.</summary>
    FailOpen,

    /// <summary>Refuse the request with a clear reason (503).</summary>
    FailClosed,
}

/// <summary>
/// Shared state in Redis (section <c>Gateway:Redis</c>). Without a connection string the gateway
/// keeps its state in memory.
/// </summary>
public sealed record RedisStateOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway:Redis";

    /// <summary>A StackExchange.Redis connection string, e.g. <c>localhost:6379,password=...</c>; empty for in-memory state.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Prefix of every key and channel, so gateways can share a Redis. Default <c>gateway:</c>.</summary>
    [Required]
    [MinLength(1)]
    public string Prefix { get; set; } = "gateway:";

    /// <summary>How long to wait for a connection. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long one command may take before the store's policy applies. Default 1 s: a slow
    /// Redis must not hold every request for the client library's 5 s default.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// After a command times out, the stores apply their policies without asking Redis for this
    /// long, so a hanging Redis costs one timeout, not one per request. Zero turns it off. Default 2 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan PauseAfterTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>At most one warning per store per interval while Redis fails. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ErrorLogInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Limits when Redis fails. Default <see cref="StateFailurePolicy.FailOpen"/>: each replica then
    /// enforces the limits from its own memory until Redis returns (never "unlimited"), so an
    /// outage of the limit store does not take the whole gateway down.
    /// </summary>
    public StateFailurePolicy Limits { get; set; } = StateFailurePolicy.FailOpen;

    /// <summary>
    /// Response cache when Redis fails. Default <see cref="StateFailurePolicy.FailOpen"/>: a miss,
    /// and writes are dropped. Fail closed refuses a cacheable request rather than call upstream.
    /// </summary>
    public StateFailurePolicy Cache { get; set; } = StateFailurePolicy.FailOpen;

    /// <summary>
    /// Managed-key lookups when Redis fails. Default <see cref="StateFailurePolicy.FailOpen"/>,
    /// which never admits an unknown key: it answers from this replica's copy of the keys it has
    /// verified before (revocations cannot happen while Redis is down). Fail closed refuses every
    /// managed key. Creating, listing and revoking keys always refuse during an outage.
    /// </summary>
    public StateFailurePolicy Keys { get; set; } = StateFailurePolicy.FailOpen;

    /// <summary>
    /// Recording requests for feedback when Redis fails. Default <see cref="StateFailurePolicy.FailOpen"/>:
    /// the record is dropped and the request served. Scoring and export always refuse during an outage.
    /// </summary>
    public StateFailurePolicy Feedback { get; set; } = StateFailurePolicy.FailOpen;
}
