namespace Gateway.Routing;

/// <summary>The normalised cost terms of one candidate, each in [0, 1] over the eligible candidates.</summary>
/// <param name="Cost">Expected price of the call.</param>
/// <param name="Size">Parameter count (log scale).</param>
/// <param name="Latency">Expected latency.</param>
/// <param name="Age">Time since release.</param>
public sealed record CostTerms(double Cost, double Size, double Latency, double Age);

/// <summary>One eligible candidate with the numbers behind its rank.</summary>
/// <param name="Name">The model name.</param>
/// <param name="PredictedQuality">Predicted quality of this model's answer to the prompt, in [0, 1].</param>
/// <param name="Terms">Normalised cost terms.</param>
/// <param name="ExpectedCostUsd">
/// Expected price of the call in US dollars: the catalog's prices for the prompt's tokens and the reserved output, or,
/// for a model the catalog does not price, the router artefact's cost learned from recorded per-call costs.
/// </param>
/// <param name="Score">Final objective: quality minus the weighted cost terms. Higher is better.</param>
public sealed record RankedCandidate(string Name, double PredictedQuality, CostTerms Terms, double ExpectedCostUsd, double Score);

/// <summary>A candidate dropped by a hard constraint, and why.</summary>
/// <param name="Name">The model name.</param>
/// <param name="Reason">Which constraint: <c>not-allowed</c>, <c>denied</c>, <c>not-allowed-by-key</c>, <c>context-too-small</c>, <c>over-max-price</c>, <c>unhealthy</c>, <c>no-capability-vector</c>.</param>
public sealed record RejectedCandidate(string Name, string Reason);

/// <summary>
/// The router's answer: eligible candidates best first (keep it for fallback to the next one), and the ones dropped.
/// </summary>
/// <param name="Ranked">Eligible candidates ordered by score, best first; empty when none is eligible.</param>
/// <param name="Rejected">Candidates dropped by hard constraints.</param>
/// <param name="PromptTokens">The prompt's token estimate used for context and price checks.</param>
public sealed record RouteDecision(IReadOnlyList<RankedCandidate> Ranked, IReadOnlyList<RejectedCandidate> Rejected, int PromptTokens)
{
    /// <summary>The chosen candidate, or null when every candidate was rejected.</summary>
    public RankedCandidate? Best => Ranked.Count > 0 ? Ranked[0] : null;
}

/// <summary>One point of a Pareto sweep over the cost weight.</summary>
/// <param name="CostWeight">The cost weight λ that produced this choice.</param>
/// <param name="Model">The chosen model.</param>
/// <param name="PredictedQuality">Its predicted quality.</param>
/// <param name="ExpectedCostUsd">Its expected price for this prompt.</param>
public sealed record ParetoPoint(double CostWeight, string Model, double PredictedQuality, double ExpectedCostUsd);
