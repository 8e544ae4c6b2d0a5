namespace Gateway.Inference.Pool;

/// <summary>The catalog entries under <c>Gateway:Models</c>; the pool serves those that are local.</summary>
internal sealed record LocalModelCatalog
{
    /// <summary>
    /// The section bound: the gateway's root, so <see cref="Models"/> reads <c>Gateway:Models</c>, the same entries the
    /// gateway's catalog reads (remote ones are skipped by the pool).
    /// </summary>
    public const string SectionName = "Gateway";

    public Dictionary<string, LocalModelOptions> Models { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}
