using Gateway.Routing.Data;
using Gateway.Routing.Decision;

namespace Gateway.Routing.Evaluation;

/// <summary>
/// Scores a router on a split of a routing data set. Each model is a candidate priced at its
/// <c>price_per_mtok</c> for prompt tokens only; a call's cost is the record's real cost where the data has
/// one, else price × the prompt's token estimate.
/// </summary>
internal static class RouterEvaluator
{
    public static readonly double[] DefaultLambdas =
        [0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];

    public static EvaluationReport Evaluate(
        RoutingDataset dataset,
        string split,
        IReadOnlyList<OutcomeRecord> records,
        float[][] embeddings,
        LearnedRouter router,
        IReadOnlyList<double>? lambdas = null)
    {
        lambdas ??= DefaultLambdas;
        var models = dataset.ModelNames;
        var prices = dataset.Models.Select(m => m.EffectivePrice).ToArray();
        var index = models.Select((m, i) => (m, i)).ToDictionary(p => p.m, p => p.i);
        var scores = records.Select(o => models.Select(m => o.Scores.GetValueOrDefault(m)).ToArray()).ToArray();
        var tokens = records.Select(o => TokenEstimator.Estimate(o.Prompt)).ToArray();
        var costs = records.Select((o, i) => models.Select((m, j) => o.Costs?.GetValueOrDefault(m) ?? prices[j] * tokens[i] / 1e6).ToArray()).ToArray();
        var n = records.Count;

        var predictions = new double[n][];
        int[] Choose(double lambda)
        {
            var choices = new int[n];
            for (var i = 0; i < n; i++)
            {
                var decision = router.Decide(embeddings[i], tokens[i], new RouteRequest(records[i].Prompt, new CostWeights(Cost: lambda), ExpectedOutputTokens: 0));
                choices[i] = index[decision.Best?.Name ?? throw new InvalidOperationException("No model of the data set is routable.")];
                if (predictions[i] is null)
                {
                    predictions[i] = models.Select(m => decision.Ranked.FirstOrDefault(r => r.Name == m)?.PredictedQuality ?? double.NaN).ToArray();
                }
            }

            return choices;
        }

        var sweep = lambdas.Select(lambda => Point(lambda, scores, costs, prices, Choose(lambda))).ToList();

        var bestSingle = BestSingle(dataset, models, prices);
        var single = Enumerable.Repeat(bestSingle, n).ToArray();
        var oracle = scores.Select((row, i) => RoutingMetrics.OracleChoice(row, costs[i])).ToArray();
        var singlePoint = Point(0, scores, costs, prices, single);
        var oraclePoint = Point(0, scores, costs, prices, oracle);

        var perTask = records.Select((o, i) => (o.Task, i)).GroupBy(p => p.Task).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new TaskResult(g.Key, g.Count(), g.Average(p => scores[p.i][sweep[0].Choices[p.i]]), g.Average(p => scores[p.i][bestSingle]), g.Average(p => scores[p.i][oracle[p.i]])))
            .ToArray();

        return new EvaluationReport(
            dataset.Name, split, models, records.Select(o => o.Id).ToArray(),
            models.Where(m => router.Decide(embeddings[0], 1, new RouteRequest("")).Rejected.Any(r => r.Name == m)).ToArray(),
            scores.Average(row => row.Average()),
            new Baseline(models[bestSingle], singlePoint.Quality, singlePoint.MeanCostUsd, singlePoint.MeanPricePerMTok),
            new Baseline("oracle", oraclePoint.Quality, oraclePoint.MeanCostUsd, oraclePoint.MeanPricePerMTok),
            sweep,
            RoutingMetrics.Aiq(sweep.Select(p => (p.MeanCostUsd, p.Quality)).ToArray()),
            perTask,
            models.Count == 2 ? TwoModel(dataset, records, scores, predictions) : [],
            HalfPrice(sweep, singlePoint.MeanPricePerMTok / 2, lambda => Point(lambda, scores, costs, prices, Choose(lambda))));
    }

    /// <summary>The point at the smallest λ whose mean price is at most <paramref name="target"/>, to 1e-4 in λ.</summary>
    private static SweepPoint? HalfPrice(IReadOnlyList<SweepPoint> sweep, double target, Func<double, SweepPoint> at)
    {
        var first = sweep.Select((p, i) => (p, i)).FirstOrDefault(x => x.p.MeanPricePerMTok <= target + 1e-12);
        if (first.p is null || first.i == 0)
        {
            return first.p;
        }

        var (low, high) = (sweep[first.i - 1].Lambda, first.p.Lambda);
        var best = first.p;
        while (high - low > 1e-4)
        {
            var mid = (low + high) / 2;
            var point = at(mid);
            if (point.MeanPricePerMTok <= target + 1e-12)
            {
                (high, best) = (mid, point);
            }
            else
            {
                low = mid;
            }
        }

        return best;
    }

    private static SweepPoint Point(double lambda, double[][] scores, double[][] costs, double[] prices, int[] choices) => new(
        lambda,
        RoutingMetrics.RoutedQuality(scores, choices),
        RoutingMetrics.SelectionAccuracy(scores, choices),
        choices.Select((c, i) => costs[i][c]).DefaultIfEmpty().Average(),
        choices.Select(c => prices[c]).DefaultIfEmpty().Average(),
        choices);

    /// <summary>The model with the best mean score on the train split, the cheaper on ties.</summary>
    private static int BestSingle(RoutingDataset dataset, IReadOnlyList<string> models, double[] prices)
    {
        var train = dataset.Split("train");
        return Enumerable.Range(0, models.Count)
            .OrderByDescending(m => Math.Round(train.Average(o => o.Scores.GetValueOrDefault(models[m])), 9))
            .ThenBy(m => prices[m])
            .First();
    }

    private static TwoModelResult[] TwoModel(RoutingDataset dataset, IReadOnlyList<OutcomeRecord> records, double[][] scores, double[][] predictions)
    {
        var strong = dataset.Models.ToList().FindIndex(m => m.Role == "strong");
        strong = strong < 0 ? Array.IndexOf(dataset.Models.Select(m => m.EffectivePrice).ToArray(), dataset.Models.Max(m => m.EffectivePrice)) : strong;
        var weak = 1 - strong;
        var groups = records.Select((o, i) => (o.Task, i)).GroupBy(p => p.Task).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Select(p => p.i).ToArray())).Append(("all", Enumerable.Range(0, records.Count).ToArray()));
        return groups.Select(g =>
        {
            var (task, rows) = g;
            var w = rows.Select(i => scores[i][weak]).ToArray();
            var s = rows.Select(i => scores[i][strong]).ToArray();
            var curve = TwoModelMetrics.Curve(rows.Select(i => predictions[i][strong] - predictions[i][weak]).ToArray(), w, s);
            return new TwoModelResult(task, rows.Length, w.Average(), s.Average(), TwoModelMetrics.Apgr(curve, w.Average(), s.Average()), TwoModelMetrics.Cpt(curve, w.Average(), s.Average(), 0.5));
        }).ToArray();
    }
}
