namespace Gateway.Routing;

/// <summary>
/// Weights λ of the objective <c>quality − Σ λ_k · normalised cost_k</c>. Each cost term is scaled to [0, 1]
/// over the eligible candidates, so a weight of 0.1 trades a tenth of predicted quality for the full cost range.
/// </summary>
/// <param name="Cost">Weight on the expected price of the call.</param>
/// <param name="Size">Weight on the parameter count (log scale).</param>
/// <param name="Latency">Weight on the expected latency.</param>
/// <param name="Age">Weight on the time since the model's release.</param>
public sealed record CostWeights(double Cost = 0, double Size = 0, double Latency = 0, double Age = 0)
{
    /// <summary>No penalty: rank by predicted quality alone.</summary>
    public static CostWeights None { get; } = new();
}

/// <summary>Hard constraints: a candidate that breaks any of them is dropped before ranking.</summary>
/// <param name="Allow">When set, only these models are eligible.</param>
/// <param name="Deny">Models that are never eligible.</param>
/// <param name="AllowedByKey">When set, the models the caller's key may use.</param>
/// <param name="MaxPricePerMTok">
/// When set, candidates whose input or output price exceeds it are dropped; a candidate priced by the router's
/// learned costs is checked by its expected cost of this call per million of the call's tokens.
/// </param>
public sealed record RouteConstraints(
    IReadOnlySet<string>? Allow = null,
    IReadOnlySet<string>? Deny = null,
    IReadOnlySet<string>? AllowedByKey = null,
    double? MaxPricePerMTok = null)
{
    /// <summary>No constraints beyond health and context length.</summary>
    public static RouteConstraints None { get; } = new();
}

/// <summary>One routing question: a prompt, the caller's constraints and weights.</summary>
/// <param name="Prompt">The prompt text (for chat, the concatenated messages the model will read).</param>
/// <param name="Weights">Objective weights; <see cref="CostWeights.None"/> ranks by quality.</param>
/// <param name="Constraints">Hard constraints.</param>
/// <param name="ExpectedOutputTokens">Tokens reserved for the completion when checking context length and pricing the call.</param>
/// <param name="PromptTokens">
/// The whole prompt's token estimate when <paramref name="Prompt"/> holds only its start (a long prompt is encoded from
/// its first characters); null estimates it from <paramref name="Prompt"/>.
/// </param>
public sealed record RouteRequest(
    string Prompt,
    CostWeights? Weights = null,
    RouteConstraints? Constraints = null,
    int ExpectedOutputTokens = 256,
    int? PromptTokens = null);
