using Gateway.Embeddings;
using Gateway.Routing.Costs;
using Gateway.Routing.Prediction;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Routing.Decision;

/// <summary>
/// The router: encode the prompt, predict each candidate's quality from its capability vector, drop the ones
/// that break hard constraints, rank the rest by the objective. A call's expected cost comes from the catalog's
/// prices, or from the artefact's learned costs for a candidate the catalog does not price (<see cref="CallPricing"/>).
/// </summary>
internal sealed partial class LearnedRouter(
    IPromptEncoder encoder,
    QualityPredictor predictor,
    IReadOnlyDictionary<string, float[]> capabilities,
    IReadOnlyList<CandidateDescriptor> candidates,
    TimeProvider timeProvider,
    ILogger? logger = null,
    IReadOnlyDictionary<string, CallCostFit>? costs = null) : IRouter
{
    /// <summary>Cost weights swept by <see cref="ParetoFront"/>.</summary>
    internal static readonly double[] ParetoWeights = [0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 100];

    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly IReadOnlyDictionary<string, CallCostFit> _costs = costs ?? new Dictionary<string, CallCostFit>();

    // Looked up once per candidate list, not once per decision.
    private readonly CallCostFit?[] _learned = [.. candidates.Select(c => costs?.GetValueOrDefault(c.Name))];

    public IReadOnlyList<CandidateDescriptor> Candidates => candidates;

    public RouteDecision Route(RouteRequest request)
    {
        var tokens = request.PromptTokens ?? TokenEstimator.Estimate(request.Prompt);
        var decision = Decide(encoder.Encode(request.Prompt), tokens, request);
        if (decision.Best is { } best)
        {
            LogRouted(_logger, best.Name, best.Score, decision.Ranked.Count, decision.Rejected.Count);
        }
        else
        {
            LogNoCandidate(_logger, decision.Rejected.Count);
        }

        return decision;
    }

    /// <summary>The decision given an embedding (the part after encoding).</summary>
    public RouteDecision Decide(ReadOnlySpan<float> embedding, int promptTokens, RouteRequest request)
    {
        var constraints = request.Constraints ?? RouteConstraints.None;
        var state = predictor.Prepare(embedding);
        var eligible = new List<(CandidateDescriptor, double, double)>(candidates.Count);
        var rejected = new List<RejectedCandidate>();
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            var hasCapability = capabilities.TryGetValue(candidate.Name, out var capability);
            var (cost, price) = CallPricing.Of(candidate, _learned[i], promptTokens, request.ExpectedOutputTokens);
            var reason = HardConstraints.Check(candidate, hasCapability, constraints, promptTokens, request.ExpectedOutputTokens, price);
            if (reason is not null)
            {
                rejected.Add(new RejectedCandidate(candidate.Name, reason));
                continue;
            }

            eligible.Add((candidate, predictor.Predict(state, capability), cost));
        }

        var today = DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);
        var ranked = Objective.Rank(eligible, request.Weights ?? CostWeights.None, today);
        return new RouteDecision(ranked, rejected, promptTokens);
    }

    public IReadOnlyList<ParetoPoint> ParetoFront(RouteRequest request)
    {
        var tokens = request.PromptTokens ?? TokenEstimator.Estimate(request.Prompt);
        var embedding = encoder.Encode(request.Prompt);
        var weights = request.Weights ?? CostWeights.None;
        var points = new List<ParetoPoint>();
        foreach (var lambda in ParetoWeights)
        {
            var best = Decide(embedding, tokens, request with { Weights = weights with { Cost = lambda } }).Best;
            if (best is not null && !points.Exists(p => p.Model == best.Name))
            {
                points.Add(new ParetoPoint(lambda, best.Name, best.PredictedQuality, best.ExpectedCostUsd));
            }
        }

        // Keep the non-dominated points: no other point is at most as expensive and strictly better.
        return points
            .Where(p => !points.Exists(o => o.ExpectedCostUsd <= p.ExpectedCostUsd && o.PredictedQuality > p.PredictedQuality && o != p))
            .OrderBy(p => p.ExpectedCostUsd)
            .ToArray();
    }

    public IRouter WithCandidates(IReadOnlyList<CandidateDescriptor> newCandidates) =>
        new LearnedRouter(encoder, predictor, capabilities, newCandidates, timeProvider, _logger, _costs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Routed to {Model} (score {Score:F3}) among {Eligible} eligible candidates, {Rejected} rejected")]
    private static partial void LogRouted(ILogger logger, string model, double score, int eligible, int rejected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No eligible candidate: all {Rejected} were rejected by hard constraints")]
    private static partial void LogNoCandidate(ILogger logger, int rejected);
}
