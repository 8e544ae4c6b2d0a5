using System.ComponentModel.DataAnnotations;

namespace Gateway.State;

/// <summary>Bounds of the state stores kept in process memory (section <c>Gateway:State</c>).</summary>
public sealed record StateOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway:State";

    /// <summary>Most responses the in-memory cache holds; the least recently used go first. Default 10,000.</summary>
    [Range(1, int.MaxValue)]
    public int CacheMaxEntries { get; set; } = 10_000;

    /// <summary>Most body bytes the in-memory cache holds. Default 64 MiB.</summary>
    [Range(1, long.MaxValue)]
    public long CacheMaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Most answers the in-memory semantic cache holds in all partitions together; the oldest go first. Default 100,000.</summary>
    [Range(1, int.MaxValue)]
    public int SemanticCacheMaxEntries { get; set; } = 100_000;

    /// <summary>Most answers one semantic cache partition holds (in memory, and in Redis); the oldest go first. Default 10,000.</summary>
    [Range(1, int.MaxValue)]
    public int SemanticCacheMaxEntriesPerPartition { get; set; } = 10_000;

    /// <summary>Most bytes (answers plus their 388-byte vectors) the in-memory semantic cache holds. Default 64 MiB.</summary>
    [Range(1, long.MaxValue)]
    public long SemanticCacheMaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Most request records the in-memory feedback store keeps while they wait for a score. Default 100,000.</summary>
    [Range(1, int.MaxValue)]
    public int FeedbackMaxRequests { get; set; } = 100_000;

    /// <summary>Most scored outcomes kept for export, in memory or in Redis; the oldest go first. Default 100,000.</summary>
    [Range(1, int.MaxValue)]
    public int FeedbackMaxOutcomes { get; set; } = 100_000;
}
