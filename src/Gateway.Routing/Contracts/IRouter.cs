namespace Gateway.Routing;

/// <summary>
/// Picks a model for a prompt. Build one with <see cref="RouterFactory.Load"/> from a router artefact
/// directory and the catalog's candidates.
/// </summary>
public interface IRouter
{
    /// <summary>The candidates this router ranks, as given at construction or by <see cref="WithCandidates"/>.</summary>
    IReadOnlyList<CandidateDescriptor> Candidates { get; }

    /// <summary>Encodes the prompt, drops candidates that break hard constraints and ranks the rest.</summary>
    RouteDecision Route(RouteRequest request);

    /// <summary>
    /// Sweeps the cost weight (other weights as in <paramref name="request"/>) and returns the Pareto front of
    /// predicted quality against expected cost, cheapest first.
    /// </summary>
    IReadOnlyList<ParetoPoint> ParetoFront(RouteRequest request);

    /// <summary>A router over another candidate list sharing this one's encoder and predictor (for catalog reloads).</summary>
    IRouter WithCandidates(IReadOnlyList<CandidateDescriptor> candidates);
}
