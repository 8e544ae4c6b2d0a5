namespace Gateway.Routing.Decision;

/// <summary>
/// Ranks eligible candidates by <c>predicted quality − Σ λ_k · normalised cost_k</c>. Each raw cost term is
/// min-max scaled over the eligible candidates, so weights are comparable across catalogs; an unknown value
/// (no size, latency or release date) counts as the cheapest. Ties go to the cheaper call, then by name.
/// </summary>
internal static class Objective
{
    /// <summary>Ranks candidates priced from the catalog alone.</summary>
    public static RankedCandidate[] Rank(
        IReadOnlyList<(CandidateDescriptor Candidate, double Quality)> eligible,
        int promptTokens,
        int expectedOutputTokens,
        CostWeights weights,
        DateOnly today) =>
        Rank(eligible.Select(e => (e.Candidate, e.Quality, ExpectedCostUsd(e.Candidate, promptTokens, expectedOutputTokens))).ToArray(), weights, today);

    /// <summary>Ranks candidates whose expected cost of this call is already known (<see cref="Costs.CallPricing"/>).</summary>
    public static RankedCandidate[] Rank(
        IReadOnlyList<(CandidateDescriptor Candidate, double Quality, double CostUsd)> eligible,
        CostWeights weights,
        DateOnly today)
    {
        var n = eligible.Count;
        var cost = new double[n];
        var size = new double[n];
        var latency = new double[n];
        var age = new double[n];
        for (var i = 0; i < n; i++)
        {
            var c = eligible[i].Candidate;
            cost[i] = eligible[i].CostUsd;
            size[i] = c.ParamsB is { } p ? Math.Log(1 + p) : 0;
            latency[i] = c.ExpectedLatencyMs ?? 0;
            age[i] = c.ReleaseDate is { } released ? Math.Max(0, today.DayNumber - released.DayNumber) : 0;
        }

        Normalise(cost, out var costN);
        Normalise(size, out var sizeN);
        Normalise(latency, out var latencyN);
        Normalise(age, out var ageN);

        var ranked = new RankedCandidate[n];
        for (var i = 0; i < n; i++)
        {
            var terms = new CostTerms(costN[i], sizeN[i], latencyN[i], ageN[i]);
            var penalty = (weights.Cost * terms.Cost) + (weights.Size * terms.Size) + (weights.Latency * terms.Latency) + (weights.Age * terms.Age);
            ranked[i] = new RankedCandidate(eligible[i].Candidate.Name, eligible[i].Quality, terms, cost[i], eligible[i].Quality - penalty);
        }

        Array.Sort(ranked, Compare);
        return ranked;
    }

    public static double ExpectedCostUsd(CandidateDescriptor c, int promptTokens, int expectedOutputTokens) =>
        ((c.PricePerMTokInput * promptTokens) + (c.PricePerMTokOutput * expectedOutputTokens)) / 1_000_000.0;

    private static int Compare(RankedCandidate a, RankedCandidate b)
    {
        var byScore = b.Score.CompareTo(a.Score);
        if (byScore != 0)
        {
            return byScore;
        }

        var byCost = a.ExpectedCostUsd.CompareTo(b.ExpectedCostUsd);
        return byCost != 0 ? byCost : string.CompareOrdinal(a.Name, b.Name);
    }

    private static void Normalise(double[] raw, out double[] normalised)
    {
        normalised = new double[raw.Length];
        if (raw.Length == 0)
        {
            return;
        }

        var min = raw.Min();
        var range = raw.Max() - min;
        for (var i = 0; i < raw.Length; i++)
        {
            normalised[i] = range > 0 ? (raw[i] - min) / range : 0;
        }
    }
}
