using Gateway.Routing.Evaluation;

namespace Gateway.Routing.Prediction;

/// <summary>The train prompts a <see cref="QualityBlend"/> is fitted on, in matrix form (N prompts, M models).</summary>
/// <param name="Embeddings">N embeddings.</param>
/// <param name="Targets">N × M scores; NaN where a model has none (counted 0, as evaluation does).</param>
/// <param name="TaskOf">N task indices.</param>
/// <param name="Tasks">Number of tasks.</param>
/// <param name="Models">The M models.</param>
/// <param name="Capabilities">M capability vectors, for the predictor.</param>
/// <param name="Validation">N flags: the predictor's held-out prompts, on which the blend is chosen.</param>
/// <param name="DecisionCost">N × M: the cost the router sees for a call (learned or priced).</param>
/// <param name="OutcomeCost">N × M: what the call cost (recorded where the data has it).</param>
internal sealed record BlendData(
    float[][] Embeddings,
    float[][] Targets,
    int[] TaskOf,
    int Tasks,
    IReadOnlyList<string> Models,
    float[][] Capabilities,
    bool[] Validation,
    double[][] DecisionCost,
    double[][] OutcomeCost);

/// <summary>
/// Chooses a <see cref="QualityBlend"/>'s weights and τ on the prompts the predictor held out for model selection,
/// with the other train prompts as neighbours and priors, by routed quality at λ = 0 plus AIQ over the λ sweep of
/// <c>router eval</c>. The blend that ships then indexes every train prompt. The test split is never read.
/// </summary>
internal static class QualityBlendFit
{
    /// <summary>The kernel temperatures tried.</summary>
    public static readonly float[] Temperatures = [0.01f, 0.02f, 0.05f, 0.1f, 0.2f];

    /// <summary>Step of the weight grid over the simplex.</summary>
    private const int Steps = 10;

    /// <param name="data">The train prompts.</param>
    /// <param name="predictor">The trained predictor.</param>
    /// <param name="dimensions">Projected dimensions of the neighbour index; 0: no neighbour term, the predictor and the priors alone.</param>
    /// <param name="seed">Seed of the projection.</param>
    public static QualityBlend Fit(BlendData data, QualityPredictor predictor, int dimensions, int seed)
    {
        var n = data.Embeddings.Length;
        var fitRows = Enumerable.Range(0, n).Where(i => !data.Validation[i]).ToArray();
        var valRows = Enumerable.Range(0, n).Where(i => data.Validation[i]).ToArray();
        var (router, neighbours, prior, temperature) = valRows.Length == 0 || fitRows.Length == 0
            ? (1f, 0f, 0f, Temperatures[2])
            : Choose(data, predictor, fitRows, valRows, dimensions, seed);
        return Build(data, Enumerable.Range(0, n).ToArray(), dimensions, seed, router, neighbours, prior, temperature);
    }

    private static QualityBlend Build(BlendData data, int[] rows, int dimensions, int seed, float router, float neighbours, float prior, float temperature)
    {
        var m = data.Models.Count;
        var targets = rows.Select(i => data.Targets[i]).ToArray();
        var index = neighbours > 0
            ? NeighbourIndex.Build([.. rows.Select(i => data.Embeddings[i])], targets, [.. rows.Select(i => data.TaskOf[i])], data.Models, data.Tasks, dimensions, seed)
            : null;
        var priors = Enumerable.Range(0, m).Select(j => (float)targets.Average(t => float.IsNaN(t[j]) ? 0 : t[j])).ToArray();
        var shares = new float[data.Tasks];
        foreach (var i in rows)
        {
            shares[data.TaskOf[i]] += 1f / rows.Length;
        }

        return new QualityBlend(router, neighbours, prior, temperature, data.Models, priors, index, shares);
    }

    private static (float Router, float Neighbours, float Prior, float Temperature) Choose(
        BlendData data, QualityPredictor predictor, int[] fitRows, int[] valRows, int dimensions, int seed)
    {
        var m = data.Models.Count;
        var held = Build(data, fitRows, dimensions, seed, 0, dimensions > 0 ? 1 : 0, dimensions > 0 ? 0 : 1, Temperatures[0]);
        var predicted = valRows.Select(i =>
        {
            var state = predictor.Prepare(data.Embeddings[i]);
            return data.Capabilities.Select(c => predictor.Predict(state, c)).ToArray();
        }).ToArray();
        var estimates = Temperatures.Select(t => valRows.Select(i =>
        {
            var models = new float[m];
            held.Index?.Estimate(data.Embeddings[i], t, models, new float[data.Tasks]);
            return models;
        }).ToArray()).ToArray();
        var scores = valRows.Select(i => data.Targets[i].Select(s => float.IsNaN(s) ? 0.0 : s).ToArray()).ToArray();

        var best = (Score: double.NegativeInfinity, Router: 1f, Neighbours: 0f, Prior: 0f, Temperature: Temperatures[2]);
        var quality = new double[m];
        for (var t = 0; t < Temperatures.Length; t++)
        {
            for (var r = Steps; r >= 0; r--)
            {
                for (var k = Steps - r; k >= 0; k--)
                {
                    float wr = r / (float)Steps, wk = k / (float)Steps, wp = (Steps - r - k) / (float)Steps;
                    if ((wk == 0 && t > 0) || (wk > 0 && held.Index is null))
                    {
                        continue; // τ does not matter without the neighbour term, which needs an index
                    }

                    var points = new (double Cost, double Quality)[RouterEvaluator.DefaultLambdas.Length];
                    for (var l = 0; l < points.Length; l++)
                    {
                        double total = 0, cost = 0;
                        for (var v = 0; v < valRows.Length; v++)
                        {
                            for (var j = 0; j < m; j++)
                            {
                                quality[j] = (wr * predicted[v][j]) + (wk * estimates[t][v][j]) + (wp * held.Priors[j]);
                            }

                            var choice = KnnBaseline.Choose(quality, data.DecisionCost[valRows[v]], RouterEvaluator.DefaultLambdas[l]);
                            total += scores[v][choice];
                            cost += data.OutcomeCost[valRows[v]][choice];
                        }

                        points[l] = (cost / valRows.Length, total / valRows.Length);
                    }

                    var score = points[0].Quality + RoutingMetrics.Aiq(points);
                    // Ties keep the earlier candidate: more weight on the predictor, then the sharper kernel.
                    if (score > best.Score + 1e-9)
                    {
                        best = (score, wr, wk, wp, Temperatures[t]);
                    }
                }
            }
        }

        return (best.Router, best.Neighbours, best.Prior, best.Temperature);
    }
}
