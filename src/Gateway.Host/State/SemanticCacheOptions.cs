using System.ComponentModel.DataAnnotations;

namespace Gateway.Host.State;

/// <summary>
/// Section <c>Gateway:SemanticCache</c>: the semantic response cache (<see cref="SemanticCaching"/>), which answers a
/// question close enough in meaning to one answered before. Bounds of the store are in <c>Gateway:State</c>
/// (<c>SemanticCacheMaxEntries</c>, <c>SemanticCacheMaxEntriesPerPartition</c>, <c>SemanticCacheMaxBytes</c>).
/// </summary>
public sealed class SemanticCacheOptions : IValidatableObject
{
    public const string SectionName = "Gateway:SemanticCache";

    /// <summary>Lowest similarity a threshold may be set to: below it unrelated questions share answers.</summary>
    public const double MinThreshold = 0.5;

    /// <summary>
    /// Cosine similarity (all-MiniLM-L6-v2) a new question needs with a cached one to be served its answer, unless the
    /// key or <see cref="ModelThresholds"/> set another. Default 0.92, chosen on the validation half of
    /// <c>bench/semcache</c> (see <c>docs/cache.md</c>); from 0.5 to 1.
    /// </summary>
    [Range(MinThreshold, 1.0)]
    public double Threshold { get; set; } = 0.92;

    /// <summary>Thresholds per model name (as the request names it), each from 0.5 to 1; a key's own threshold wins.</summary>
    public Dictionary<string, double> ModelThresholds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Cache only requests with <c>temperature</c> 0 (default true): a sampled answer is one of many, and serving it
    /// again would hide that. When false, the temperature still partitions the cache.
    /// </summary>
    public bool ZeroTemperatureOnly { get; set; } = true;

    /// <summary>How long a cached answer is served. Default one hour; from one second to 30 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (model, threshold) in ModelThresholds)
        {
            if (threshold is < MinThreshold or > 1 || double.IsNaN(threshold))
            {
                yield return new ValidationResult($"{SectionName}:ModelThresholds:{model} must be from {MinThreshold} to 1.", [nameof(ModelThresholds)]);
            }
        }
    }
}
