using Gateway.Routing.Data;

namespace Gateway.Routing.Costs;

/// <summary>
/// Each model's <see cref="CallCostFit"/>, learned from a data set's per-call <c>costs</c>. A model without
/// recorded costs has no fit and is priced from its price per million tokens instead.
/// </summary>
internal static class CallCostModel
{
    /// <summary>Fits every model of <paramref name="models"/> that has at least one recorded cost in <paramref name="records"/>.</summary>
    public static IReadOnlyDictionary<string, CallCostFit> Fit(IReadOnlyList<OutcomeRecord> records, IReadOnlyList<string> models)
    {
        var calls = models.ToDictionary(m => m, _ => new List<(int, double)>(), StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (record.Costs is not { } costs)
            {
                continue;
            }

            var tokens = TokenEstimator.Estimate(record.Prompt);
            foreach (var (model, cost) in costs)
            {
                if (calls.TryGetValue(model, out var list))
                {
                    list.Add((tokens, cost));
                }
            }
        }

        return calls.Where(p => p.Value.Count > 0).ToDictionary(p => p.Key, p => CallCostFit.Fit(p.Value), StringComparer.Ordinal);
    }

    /// <summary>
    /// Mean absolute error per call of the fits on <paramref name="records"/>' recorded costs, next to that of each
    /// model's mean cost (what a fit that ignores the prompt would give); null when no record has a cost to check.
    /// </summary>
    public static (double Fitted, double MeanOnly, int Calls)? Error(IReadOnlyDictionary<string, CallCostFit> fits, IReadOnlyList<OutcomeRecord> records)
    {
        var observed = records
            .Where(r => r.Costs is not null)
            .SelectMany(r => r.Costs!.Where(c => fits.ContainsKey(c.Key)).Select(c => (Model: c.Key, Tokens: TokenEstimator.Estimate(r.Prompt), Cost: c.Value)))
            .ToArray();
        if (observed.Length == 0)
        {
            return null;
        }

        var means = observed.GroupBy(o => o.Model).ToDictionary(g => g.Key, g => g.Average(o => o.Cost), StringComparer.Ordinal);
        return (observed.Average(o => Math.Abs(fits[o.Model].Predict(o.Tokens) - o.Cost)), observed.Average(o => Math.Abs(means[o.Model] - o.Cost)), observed.Length);
    }
}
