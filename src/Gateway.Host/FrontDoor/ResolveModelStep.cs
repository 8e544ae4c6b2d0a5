using Gateway.Errors;
using Gateway.Host.Agents;
using Gateway.Host.Auth;
using Gateway.Host.Catalog;
using Gateway.Host.Configuration;
using Gateway.Host.Routing;

namespace Gateway.Host.FrontDoor;

/// <summary>
/// Turns the request's <c>model</c> into the candidates to try: a catalog model the key may use and its fallbacks, the
/// router's ranking for <c>auto</c>/<c>auto:PROFILE</c>, or, for <c>agent:NAME</c>, an agent run that answers here
/// (its own model calls come back through the front door).
/// </summary>
internal sealed class ResolveModelStep(RequestDelegate next, ReloadingSnapshot<CatalogSnapshot> catalog, RoutedCandidates routing, AgentFrontDoor agents)
{
    // Not async for a named model, the common case: it costs no state machine on the hot path.
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Feature();
        var parsed = feature.Parsed;
        if (AgentFrontDoor.IsAgent(parsed.Model) || parsed.IsRouted)
        {
            return ResolveAsync(context, feature);
        }

        var error = Explicit(catalog.Current, parsed.Model, feature.Key!, out var candidates);
        if (error is not null)
        {
            return GatewayErrorWriter.WriteAsync(context, error);
        }

        feature.Candidates = candidates;
        return next(context);
    }

    private async Task ResolveAsync(HttpContext context, GatewayRequestFeature feature)
    {
        var parsed = feature.Parsed;
        var key = feature.Key!;
        var operation = feature.Operation!.Value;
        if (AgentFrontDoor.IsAgent(parsed.Model))
        {
            var name = "";
            var agentError = operation == OpenAIOperation.ChatCompletions
                ? agents.Resolve(parsed.Model, key, out name)
                : GatewayError.BadRequest($"The agent '{parsed.Model}' answers /v1/chat/completions only.", "model", "unsupported_operation");
            if (agentError is not null)
            {
                await GatewayErrorWriter.WriteAsync(context, agentError);
                return;
            }

            await agents.HandleChatAsync(context, name, feature.Body, parsed.Stream);
            return;
        }

        var (error, candidates) = await routing.ResolveAsync(context, feature.OriginalBody, parsed, operation, key);
        if (error is not null)
        {
            await GatewayErrorWriter.WriteAsync(context, error);
            return;
        }

        feature.Candidates = candidates;
        feature.Routed = true;
        await next(context);
    }

    /// <summary>A named model and the fallbacks of it the key may use.</summary>
    internal static GatewayError? Explicit(CatalogSnapshot catalog, string name, VirtualKey key, out IReadOnlyList<CatalogModel>? candidates)
    {
        candidates = null;
        if (!catalog.TryGet(name, out var model))
        {
            return GatewayError.ModelNotFound(name);
        }

        if (!key.Allows(model.Name))
        {
            return GatewayError.ModelNotAllowed(model.Name, key.Name);
        }

        if (model.Fallbacks.Count == 0)
        {
            candidates = [model];
            return null;
        }

        var list = new List<CatalogModel>(model.Fallbacks.Count + 1) { model };
        foreach (var fallback in model.Fallbacks)
        {
            if (catalog.TryGet(fallback, out var next) && key.Allows(next.Name))
            {
                list.Add(next);
            }
        }

        candidates = list;
        return null;
    }
}
