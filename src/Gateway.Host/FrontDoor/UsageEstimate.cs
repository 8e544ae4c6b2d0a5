using Gateway.Host.Auth;
using Gateway.Host.Catalog;
using Gateway.Host.Resilience;
using Gateway.State;
using Gateway.Usage;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// The gateway's documented token estimates, used where no upstream has counted yet:
/// <list type="bullet">
/// <item>a prompt is one token per <see cref="TokenEstimate.BytesPerToken"/> bytes of the request body (the body's JSON and tool
/// schemas included, which upstreams also count as prompt), rounded up;</item>
/// <item>a streamed answer is, per chunk that carries text (content, reasoning or tool-call arguments), one token, or
/// one per <see cref="TokenEstimate.BytesPerToken"/> bytes of that text when it is longer; a JSON answer is one token per
/// <see cref="TokenEstimate.BytesPerToken"/> bytes of the body (embeddings: none).</item>
/// </list>
/// Admission reserves the prompt estimate plus the request's <c>max_completion_tokens</c>/<c>max_tokens</c> (or
/// <see cref="State.LimitsOptions.DefaultReservedCompletionTokens"/>) times <c>n</c>, priced at the dearest model the request may reach.
/// When an answer ends without the upstream's usage (the caller hung up, the stream broke, the upstream sends none)
/// the estimate of what was forwarded is charged instead.
/// </summary>
internal static class UsageEstimate
{
    /// <summary>Tokens and spend to reserve for a request at admission.</summary>
    public static LimitCharge Reservation(GatewayRequestFeature feature, CatalogSnapshot catalog, VirtualKey key, int defaultCompletionTokens)
    {
        var parsed = feature.Parsed;
        var prompt = TokenEstimate.TokensOf(feature.Body.Length);
        var completion = feature.Operation == OpenAIOperation.Embeddings ? 0 : (parsed.MaxTokens ?? defaultCompletionTokens) * parsed.Choices;
        decimal input = 0, output = 0;
        foreach (var model in Reachable(parsed, catalog, key))
        {
            input = Math.Max(input, model.Descriptor.InputPricePerMTok);
            output = Math.Max(output, model.Descriptor.OutputPricePerMTok);
        }

        return new LimitCharge(prompt + completion, ((prompt * input) + (completion * output)) / 1_000_000m);
    }

    /// <summary>What was used when the upstream's own count never came: the prompt estimate and what was forwarded.</summary>
    public static TokenUsage Fallback(GatewayRequestFeature feature) =>
        new(TokenEstimate.TokensOf(feature.Body.Length), feature.Operation == OpenAIOperation.Embeddings ? 0 : feature.ForwardedTokenEstimate);

    /// <summary>The catalog models a request may end up on: the named one and its fallbacks, or any the key may use when routed.</summary>
    private static IEnumerable<CatalogModel> Reachable(ParsedRequest parsed, CatalogSnapshot catalog, VirtualKey key)
    {
        if (parsed.IsRouted)
        {
            return catalog.Models.Where(m => key.Allows(m.Name));
        }

        if (!catalog.TryGet(parsed.Model, out var model))
        {
            return [];
        }

        return model.Fallbacks.Count == 0
            ? [model]
            : [model, .. model.Fallbacks.Select(n => catalog.TryGet(n, out var f) ? f : null).OfType<CatalogModel>()];
    }
}
