using System.ComponentModel.DataAnnotations;

namespace Gateway.Host.State;

/// <summary>Section <c>Gateway:Cache</c>: the exact-match response cache (<see cref="ResponseCaching"/>).</summary>
public sealed class CacheOptions
{
    public const string SectionName = "Gateway:Cache";

    /// <summary>How long a cached answer is served. Default one hour; from one second to 30 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromHours(1);
}
