namespace Gateway.Routing;

/// <summary>
/// A model the router may pick, as the catalog describes it. Prices are US dollars per million tokens.
/// </summary>
/// <param name="Name">The model name clients and the catalog use; it must match a capability vector in the router artefact.</param>
/// <param name="ParamsB">Parameter count in billions, when known; drives the size cost term.</param>
/// <param name="PricePerMTokInput">Price per million prompt tokens.</param>
/// <param name="PricePerMTokOutput">Price per million completion tokens.</param>
/// <param name="ContextLength">Context window in tokens; the prompt's estimate plus the reserved output must fit.</param>
/// <param name="ReleaseDate">Release date, when known; drives the age cost term.</param>
/// <param name="Tags">Free-form tags (for example <c>local</c>, <c>code</c>).</param>
/// <param name="Healthy">False when the model is unhealthy or its circuit is open; such a candidate is never chosen.</param>
/// <param name="ExpectedLatencyMs">Typical time to first token in milliseconds, when measured; drives the latency cost term.</param>
public sealed record CandidateDescriptor(
    string Name,
    double? ParamsB = null,
    double PricePerMTokInput = 0,
    double PricePerMTokOutput = 0,
    int? ContextLength = null,
    DateOnly? ReleaseDate = null,
    IReadOnlyList<string>? Tags = null,
    bool Healthy = true,
    double? ExpectedLatencyMs = null);
