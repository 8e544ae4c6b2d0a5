using System.Numerics.Tensors;

namespace Gateway.Routing.Evaluation;

/// <summary>
/// The k-nearest-neighbours router that learned routers are measured against: embed the prompt with the router's
/// encoder, average each model's score and cost over the k most similar train prompts (cosine similarity), and
/// pick the model with the best <c>quality − λ · normalised cost</c>, the cheaper on ties. k is chosen on a
/// validation part of the train split (a hash of the prompt id), never on the split being reported.
/// </summary>
internal sealed class KnnBaseline
{
    /// <summary>The k tried on the validation part.</summary>
    public static readonly int[] Candidates = [5, 10, 20, 50, 100, 200];

    private const double ValidationShare = 0.2;
    private readonly float[][] _embeddings;
    private readonly double[][] _scores;
    private readonly double[][] _costs;

    private KnnBaseline(float[][] embeddings, double[][] scores, double[][] costs, int k)
    {
        _embeddings = embeddings;
        _scores = scores;
        _costs = costs;
        K = k;
    }

    /// <summary>The number of neighbours averaged.</summary>
    public int K { get; }

    /// <summary>
    /// Chooses k by routed quality at λ = 0 on a validation part of the train rows (the rest are the neighbours),
    /// then keeps every train row as a neighbour.
    /// </summary>
    /// <param name="ids">Train prompt ids, which decide the validation part.</param>
    /// <param name="embeddings">Train embeddings.</param>
    /// <param name="scores">Train scores, prompt × model.</param>
    /// <param name="costs">Train call costs, prompt × model.</param>
    public static KnnBaseline Fit(IReadOnlyList<string> ids, float[][] embeddings, double[][] scores, double[][] costs)
    {
        var unit = embeddings.Select(Normalised).ToArray();
        var validation = ids.Select(IsValidation).ToArray();
        var fitRows = Enumerable.Range(0, ids.Count).Where(i => !validation[i]).ToArray();
        var valRows = Enumerable.Range(0, ids.Count).Where(i => validation[i]).ToArray();
        if (valRows.Length == 0 || fitRows.Length == 0)
        {
            return new KnnBaseline(unit, scores, costs, Math.Min(Candidates[2], Math.Max(1, ids.Count)));
        }

        var fit = new KnnBaseline([.. fitRows.Select(i => unit[i])], [.. fitRows.Select(i => scores[i])], [.. fitRows.Select(i => costs[i])], 0);
        var totals = new double[Candidates.Length];
        foreach (var v in valRows)
        {
            var order = fit.Neighbours(unit[v]);
            for (var c = 0; c < Candidates.Length; c++)
            {
                var (quality, cost) = fit.Estimate(order, Candidates[c]);
                totals[c] += scores[v][Choose(quality, cost, 0)];
            }
        }

        var best = Array.IndexOf(totals, totals.Max());
        return new KnnBaseline(unit, scores, costs, Candidates[best]);
    }

    /// <summary>Each model's estimated quality and cost for a prompt: the means over its k nearest train prompts.</summary>
    public (double[] Quality, double[] Cost) Estimate(float[] embedding) => Estimate(Neighbours(Normalised(embedding)), K);

    /// <summary>The model with the best <c>quality − λ · (cost − min) / (max − min)</c>, the cheaper on ties, then the lower index.</summary>
    public static int Choose(double[] quality, double[] cost, double lambda)
    {
        double min = cost.Min(), range = cost.Max() - min;
        var best = 0;
        var bestScore = double.NegativeInfinity;
        for (var m = 0; m < quality.Length; m++)
        {
            var score = quality[m] - (range > 0 ? lambda * (cost[m] - min) / range : 0);
            if (score > bestScore + 1e-12 || (Math.Abs(score - bestScore) <= 1e-12 && cost[m] < cost[best]))
            {
                (best, bestScore) = (m, score);
            }
        }

        return best;
    }

    private int[] Neighbours(float[] unit)
    {
        var similarity = new float[_embeddings.Length];
        for (var j = 0; j < similarity.Length; j++)
        {
            // Negated so an ascending sort puts the most similar first.
            similarity[j] = -TensorPrimitives.Dot(_embeddings[j], unit);
        }

        var order = Enumerable.Range(0, similarity.Length).ToArray();
        Array.Sort(similarity, order);
        return order;
    }

    private (double[] Quality, double[] Cost) Estimate(int[] order, int k)
    {
        var models = _scores[0].Length;
        var quality = new double[models];
        var cost = new double[models];
        var n = Math.Min(k, order.Length);
        for (var r = 0; r < n; r++)
        {
            var row = order[r];
            for (var m = 0; m < models; m++)
            {
                quality[m] += _scores[row][m] / n;
                cost[m] += _costs[row][m] / n;
            }
        }

        return (quality, cost);
    }

    private static float[] Normalised(float[] e)
    {
        var norm = TensorPrimitives.Norm(e);
        var copy = (float[])e.Clone();
        if (norm > 0)
        {
            TensorPrimitives.Divide(copy, norm, copy);
        }

        return copy;
    }

    private static bool IsValidation(string id)
    {
        var hash = 2166136261u;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash % 1000 < ValidationShare * 1000;
    }
}
