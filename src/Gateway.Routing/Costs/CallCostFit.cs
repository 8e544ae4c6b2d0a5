namespace Gateway.Routing.Costs;

/// <summary>
/// One model's expected cost of a call, learned from the per-call costs of a routing data set:
/// <c>PerCallUsd + PerPromptTokenUsd × prompt tokens</c>. The per-call part carries what the prompt's length does not
/// explain, chiefly the completion the model writes; both parts are non-negative.
/// </summary>
/// <param name="PerCallUsd">US dollars a call costs whatever its prompt's length.</param>
/// <param name="PerPromptTokenUsd">US dollars each prompt token adds.</param>
/// <param name="Calls">Calls the fit was made from.</param>
internal sealed record CallCostFit(double PerCallUsd, double PerPromptTokenUsd, int Calls)
{
    /// <summary>The expected cost in US dollars of a call with <paramref name="promptTokens"/> prompt tokens.</summary>
    public double Predict(int promptTokens) => PerCallUsd + (PerPromptTokenUsd * promptTokens);

    /// <summary>True when both parts are finite and non-negative and the call count is positive.</summary>
    public bool IsValid =>
        double.IsFinite(PerCallUsd) && PerCallUsd >= 0 && double.IsFinite(PerPromptTokenUsd) && PerPromptTokenUsd >= 0 && Calls > 0;

    /// <summary>
    /// Least squares of cost on prompt tokens, held non-negative: a negative slope falls back to the mean cost
    /// (longer prompts never make a call cheaper), a negative intercept to a line through the origin.
    /// </summary>
    public static CallCostFit Fit(IReadOnlyList<(int PromptTokens, double CostUsd)> calls)
    {
        if (calls.Count == 0)
        {
            throw new ArgumentException("A cost fit needs at least one call.", nameof(calls));
        }

        double n = calls.Count, meanT = 0, meanC = 0;
        foreach (var (t, c) in calls)
        {
            meanT += t;
            meanC += c;
        }

        meanT /= n;
        meanC /= n;
        double covariance = 0, variance = 0;
        foreach (var (t, c) in calls)
        {
            covariance += (t - meanT) * (c - meanC);
            variance += (t - meanT) * (t - meanT);
        }

        var slope = variance > 0 ? covariance / variance : 0;
        if (slope <= 0)
        {
            return new CallCostFit(meanC, 0, calls.Count);
        }

        var intercept = meanC - (slope * meanT);
        if (intercept >= 0)
        {
            return new CallCostFit(intercept, slope, calls.Count);
        }

        double tc = 0, tt = 0;
        foreach (var (t, c) in calls)
        {
            tc += t * c;
            tt += (double)t * t;
        }

        return new CallCostFit(0, tt > 0 ? tc / tt : 0, calls.Count);
    }
}
