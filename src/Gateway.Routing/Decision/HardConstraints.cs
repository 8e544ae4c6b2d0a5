namespace Gateway.Routing.Decision;

/// <summary>The hard constraints of a routing decision; the first one a candidate breaks is the reason it is dropped.</summary>
internal static class HardConstraints
{
    public const string NoCapability = "no-capability-vector";
    public const string Unhealthy = "unhealthy";
    public const string Denied = "denied";
    public const string NotAllowed = "not-allowed";
    public const string NotAllowedByKey = "not-allowed-by-key";
    public const string ContextTooSmall = "context-too-small";
    public const string OverMaxPrice = "over-max-price";

    /// <summary>
    /// Returns null when the candidate is eligible, else the constraint it breaks. <paramref name="pricePerMTok"/> is
    /// the price <c>max_price</c> is checked against (<see cref="Costs.CallPricing"/>); null: the larger of the
    /// catalog's input and output prices.
    /// </summary>
    public static string? Check(CandidateDescriptor candidate, bool hasCapability, RouteConstraints constraints, int promptTokens, int expectedOutputTokens, double? pricePerMTok = null)
    {
        if (!hasCapability)
        {
            return NoCapability;
        }

        if (!candidate.Healthy)
        {
            return Unhealthy;
        }

        if (constraints.Deny?.Contains(candidate.Name) == true)
        {
            return Denied;
        }

        if (constraints.Allow is { } allow && !allow.Contains(candidate.Name))
        {
            return NotAllowed;
        }

        if (constraints.AllowedByKey is { } byKey && !byKey.Contains(candidate.Name))
        {
            return NotAllowedByKey;
        }

        if (candidate.ContextLength is { } context && context < promptTokens + expectedOutputTokens)
        {
            return ContextTooSmall;
        }

        if (constraints.MaxPricePerMTok is { } max && (pricePerMTok ?? Math.Max(candidate.PricePerMTokInput, candidate.PricePerMTokOutput)) > max)
        {
            return OverMaxPrice;
        }

        return null;
    }
}
