namespace Gateway.Inference.Pool;

/// <summary>The catalog entries under <c>Gateway:Models</c>; the pool serves those that are local.</summary>
internal sealed record LocalModelCatalog
{
    public Dictionary<string, LocalModelOptions> Models { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}
