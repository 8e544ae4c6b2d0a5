namespace Gateway.Routing.Evaluation;

/// <summary>Routed results at one cost weight.</summary>
/// <param name="Lambda">The cost weight λ.</param>
/// <param name="Quality">Mean score of the chosen models.</param>
/// <param name="SelectionAccuracy">Share of prompts where the chosen model is among the best.</param>
/// <param name="MeanCostUsd">Mean cost of a call.</param>
/// <param name="MeanPricePerMTok">Mean price per million tokens of the chosen models.</param>
/// <param name="Choices">Chosen model index per prompt.</param>
internal sealed record SweepPoint(double Lambda, double Quality, double SelectionAccuracy, double MeanCostUsd, double MeanPricePerMTok, int[] Choices);

/// <summary>A fixed policy (best single model, oracle) for comparison.</summary>
internal sealed record Baseline(string Name, double Quality, double MeanCostUsd, double MeanPricePerMTok);

/// <summary>RouteLLM metrics for a weak/strong pair on one task (or "all").</summary>
internal sealed record TwoModelResult(string Task, int Prompts, double Weak, double Strong, double Apgr, double Cpt50);

/// <summary>Per-task routed quality at λ = 0.</summary>
internal sealed record TaskResult(string Task, int Prompts, double Routed, double BestSingle, double Oracle);

/// <summary>Everything <c>router eval</c> reports.</summary>
/// <remarks>
/// <see cref="HalfPrice"/>: the routed results at the smallest cost weight whose mean price per million tokens is at
/// most half the best single model's, found by bisection between the swept weights (the price of a λ depends on
/// the router's choices only, not on the outcomes); null when no weight gets there.
/// </remarks>
internal sealed record EvaluationReport(
    string Dataset,
    string Split,
    IReadOnlyList<string> Models,
    IReadOnlyList<string> Ids,
    IReadOnlyList<string> Unroutable,
    double Random,
    Baseline BestSingle,
    Baseline Oracle,
    IReadOnlyList<SweepPoint> Sweep,
    double Aiq,
    IReadOnlyList<TaskResult> PerTask,
    IReadOnlyList<TwoModelResult> TwoModel,
    SweepPoint? HalfPrice = null)
{
    public SweepPoint AtZero => Sweep[0];

    /// <summary>Share of the best-single → oracle gap closed at λ = 0.</summary>
    public double GapClosed => (AtZero.Quality - BestSingle.Quality) / (Oracle.Quality - BestSingle.Quality);
}
