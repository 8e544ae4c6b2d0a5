namespace Gateway.Routing.Costs;

/// <summary>
/// The expected cost of one call to a candidate. The catalog's prices win when it has any: they are what the
/// operator pays now, for this prompt's tokens and the completion reserved for it. A candidate the catalog does
/// not price (both prices 0) is priced by the router artefact's learned <see cref="CallCostFit"/> when it has one,
/// since the data's recorded costs are then the only evidence of what a call costs; otherwise it is free.
/// </summary>
internal static class CallPricing
{
    /// <summary>The expected cost in US dollars and the price per million tokens that <c>max_price</c> is checked against.</summary>
    /// <remarks>
    /// A catalog-priced candidate's price is the larger of its input and output prices. A learned cost has no price
    /// list, so its price is the call's expected cost spread over the call's tokens (prompt plus reserved output).
    /// </remarks>
    public static (double CostUsd, double PricePerMTok) Of(CandidateDescriptor candidate, CallCostFit? learned, int promptTokens, int expectedOutputTokens)
    {
        if (candidate.PricePerMTokInput > 0 || candidate.PricePerMTokOutput > 0 || learned is null)
        {
            var cost = ((candidate.PricePerMTokInput * promptTokens) + (candidate.PricePerMTokOutput * expectedOutputTokens)) / 1_000_000.0;
            return (cost, Math.Max(candidate.PricePerMTokInput, candidate.PricePerMTokOutput));
        }

        var expected = learned.Predict(promptTokens);
        return (expected, expected * 1_000_000.0 / Math.Max(1, promptTokens + expectedOutputTokens));
    }
}
