namespace Gateway.Routing.Evaluation;

/// <summary>Routed results at one cost weight.</summary>
/// <param name="Lambda">The cost weight λ.</param>
/// <param name="Quality">Mean score of the chosen models.</param>
/// <param name="SelectionAccuracy">Share of prompts where the chosen model is among the best.</param>
/// <param name="MeanCostUsd">Mean cost of a call.</param>
/// <param name="MeanPricePerMTok">Cost of the chosen calls per million prompt tokens (total cost over total prompt tokens).</param>
/// <param name="Choices">Chosen model index per prompt.</param>
internal sealed record SweepPoint(double Lambda, double Quality, double SelectionAccuracy, double MeanCostUsd, double MeanPricePerMTok, int[] Choices);

/// <summary>A fixed policy (best single model, oracle) for comparison.</summary>
internal sealed record Baseline(string Name, double Quality, double MeanCostUsd, double MeanPricePerMTok);

/// <summary>RouteLLM metrics for a weak/strong pair on one task (or "all").</summary>
internal sealed record TwoModelResult(string Task, int Prompts, double Weak, double Strong, double Apgr, double Cpt50);

/// <summary>The k-nearest-neighbours baseline on the same split: its k, its λ sweep and its AIQ.</summary>
/// <param name="K">Neighbours averaged, chosen on a validation part of train.</param>
/// <param name="Sweep">Routed quality and mean cost per λ, at the router's weights.</param>
/// <param name="Aiq">Area under its cost-quality hull.</param>
internal sealed record KnnResult(int K, IReadOnlyList<SweepPoint> Sweep, double Aiq)
{
    public SweepPoint AtZero => Sweep[0];
}

/// <summary>How well the learned call costs predict the split's recorded ones.</summary>
/// <param name="Calls">Recorded calls compared.</param>
/// <param name="MeanAbsoluteErrorUsd">Mean absolute error per call of the learned costs.</param>
/// <param name="MeanOnlyErrorUsd">The same for each model's mean cost over these very calls (a prompt-blind fit).</param>
internal sealed record CostModelError(int Calls, double MeanAbsoluteErrorUsd, double MeanOnlyErrorUsd);

/// <summary>Per-task routed quality at λ = 0.</summary>
internal sealed record TaskResult(string Task, int Prompts, double Routed, double BestSingle, double Oracle);

/// <summary>Everything <c>router eval</c> reports.</summary>
/// <remarks>
/// <see cref="HalfPrice"/>: the routed results at the smallest cost weight whose mean cost of a call is at
/// most half the best single model's, found by bisection between the swept weights (the cost of a λ depends on
/// the router's choices only, not on the outcomes); null when no weight gets there. <see cref="SinglesAiq"/>: the AIQ
/// of the single models' (cost, quality) points, the hull a router must lie above.
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
    public double GapClosed => Closed(AtZero.Quality);

    /// <summary>AIQ of the single models' points.</summary>
    public double SinglesAiq { get; init; }

    /// <summary>The kNN baseline, when the evaluation ran it.</summary>
    public KnnResult? Knn { get; init; }

    /// <summary>The learned costs against the recorded ones, when the split records costs.</summary>
    public CostModelError? CostError { get; init; }

    /// <summary>Share of the best-single → oracle gap that a routed quality closes.</summary>
    public double Closed(double quality) => (quality - BestSingle.Quality) / (Oracle.Quality - BestSingle.Quality);
}
