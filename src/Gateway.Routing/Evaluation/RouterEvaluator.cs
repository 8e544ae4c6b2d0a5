using Gateway.Routing.Costs;
using Gateway.Routing.Data;
using Gateway.Routing.Decision;

namespace Gateway.Routing.Evaluation;

/// <summary>
/// Scores a router on a split of a routing data set. A model with learned call costs is a candidate priced by them;
/// any other is priced at its <c>price_per_mtok</c> for prompt tokens only. A call's cost is the record's real cost
/// where the data has one, else the learned cost of the prompt, else price × the prompt's token estimate: recorded
/// costs win over a price list because they are what the calls cost, completions included.
/// </summary>
internal static class RouterEvaluator
{
    /// <summary>The data set's models as candidates: those with learned costs unpriced, so the learned costs price them.</summary>
    public static CandidateDescriptor[] Candidates(RoutingDataset dataset, IReadOnlyDictionary<string, CallCostFit> learned) =>
        dataset.Models.Select(m => learned.ContainsKey(m.Name)
            ? new CandidateDescriptor(m.Name, m.ParamsB)
            : new CandidateDescriptor(m.Name, m.ParamsB, m.EffectivePrice, m.EffectivePrice)).ToArray();

    /// <summary>Each record's cost of a call to each model: recorded, else learned, else price × prompt tokens.</summary>
    public static double[][] CallCosts(RoutingDataset dataset, IReadOnlyList<OutcomeRecord> records, IReadOnlyDictionary<string, CallCostFit> learned)
    {
        var models = dataset.Models;
        return records.Select(o =>
        {
            var tokens = TokenEstimator.Estimate(o.Prompt);
            return models.Select(m => o.Costs is { } costs && costs.TryGetValue(m.Name, out var recorded) ? recorded
                : learned.TryGetValue(m.Name, out var fit) ? fit.Predict(tokens)
                : m.EffectivePrice * tokens / 1e6).ToArray();
        }).ToArray();
    }

    /// <summary>Each record's score per model (0 where a model has none).</summary>
    public static double[][] Scores(RoutingDataset dataset, IReadOnlyList<OutcomeRecord> records) =>
        records.Select(o => dataset.ModelNames.Select(m => o.Scores.GetValueOrDefault(m)).ToArray()).ToArray();

    public static readonly double[] DefaultLambdas =
        [0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];

    public static EvaluationReport Evaluate(
        RoutingDataset dataset,
        string split,
        IReadOnlyList<OutcomeRecord> records,
        float[][] embeddings,
        LearnedRouter router,
        IReadOnlyList<double>? lambdas = null,
        IReadOnlyDictionary<string, CallCostFit>? learnedCosts = null,
        KnnBaseline? knn = null)
    {
        lambdas ??= DefaultLambdas;
        learnedCosts ??= new Dictionary<string, CallCostFit>();
        var models = dataset.ModelNames;
        var index = models.Select((m, i) => (m, i)).ToDictionary(p => p.m, p => p.i);
        var scores = Scores(dataset, records);
        var tokens = records.Select(o => TokenEstimator.Estimate(o.Prompt)).ToArray();
        var costs = CallCosts(dataset, records, learnedCosts);
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

        var sweep = lambdas.Select(lambda => Point(lambda, scores, costs, tokens, Choose(lambda))).ToList();

        var bestSingle = BestSingle(dataset, learnedCosts);
        var single = Enumerable.Repeat(bestSingle, n).ToArray();
        var oracle = scores.Select((row, i) => RoutingMetrics.OracleChoice(row, costs[i])).ToArray();
        var singlePoint = Point(0, scores, costs, tokens, single);
        var oraclePoint = Point(0, scores, costs, tokens, oracle);
        var singles = Enumerable.Range(0, models.Count).Select(m => Point(0, scores, costs, tokens, Enumerable.Repeat(m, n).ToArray())).ToArray();

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
            HalfPrice(sweep, singlePoint.MeanCostUsd / 2, lambda => Point(lambda, scores, costs, tokens, Choose(lambda))))
        {
            SinglesAiq = RoutingMetrics.Aiq(singles.Select(p => (p.MeanCostUsd, p.Quality)).ToArray()),
            Knn = knn is null ? null : Knn(knn, embeddings, scores, costs, tokens, lambdas),
            CostError = CallCostModel.Error(learnedCosts, records) is { } error ? new CostModelError(error.Calls, error.Fitted, error.MeanOnly) : null,
        };
    }

    private static KnnResult Knn(KnnBaseline knn, float[][] embeddings, double[][] scores, double[][] costs, int[] tokens, IReadOnlyList<double> lambdas)
    {
        var estimates = embeddings.Select(knn.Estimate).ToArray();
        var sweep = lambdas.Select(lambda => Point(lambda, scores, costs, tokens, estimates.Select(e => KnnBaseline.Choose(e.Quality, e.Cost, lambda)).ToArray())).ToArray();
        return new KnnResult(knn.K, sweep, RoutingMetrics.Aiq(sweep.Select(p => (p.MeanCostUsd, p.Quality)).ToArray()));
    }

    /// <summary>The point at the smallest λ whose mean cost is at most <paramref name="target"/>, to 1e-4 in λ.</summary>
    private static SweepPoint? HalfPrice(IReadOnlyList<SweepPoint> sweep, double target, Func<double, SweepPoint> at)
    {
        var first = sweep.Select((p, i) => (p, i)).FirstOrDefault(x => x.p.MeanCostUsd <= target + 1e-15);
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
            if (point.MeanCostUsd <= target + 1e-15)
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

    private static SweepPoint Point(double lambda, double[][] scores, double[][] costs, int[] tokens, int[] choices)
    {
        var total = choices.Select((c, i) => costs[i][c]).Sum();
        return new(
            lambda,
            RoutingMetrics.RoutedQuality(scores, choices),
            RoutingMetrics.SelectionAccuracy(scores, choices),
            choices.Length == 0 ? 0 : total / choices.Length,
            tokens.Length == 0 ? 0 : total * 1e6 / tokens.Sum(t => (double)t),
            choices);
    }

    /// <summary>The model with the best mean score on the train split, the cheaper (mean cost of a train call) on ties.</summary>
    public static int BestSingle(RoutingDataset dataset, IReadOnlyDictionary<string, CallCostFit> learned)
    {
        var train = dataset.Split("train");
        var scores = Scores(dataset, train);
        var costs = CallCosts(dataset, train, learned);
        return Enumerable.Range(0, dataset.Models.Count)
            .OrderByDescending(m => Math.Round(scores.Average(row => row[m]), 9))
            .ThenBy(m => costs.Average(row => row[m]))
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
