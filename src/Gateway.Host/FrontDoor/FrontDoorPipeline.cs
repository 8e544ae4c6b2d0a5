namespace Gateway.Host.FrontDoor;

/// <summary>
/// The proxied OpenAI operations (<c>/v1/chat/completions</c>, <c>/v1/completions</c>, <c>/v1/embeddings</c>) as a
/// chain of small steps over one <see cref="GatewayRequestFeature"/>, YARP-style. Authentication has already run
/// (the routes require <see cref="Auth.GatewayPolicies.Key"/>), so no step sees an anonymous caller, and nothing
/// reads the body before it:
/// <list type="number">
/// <item><see cref="AccountingStep"/>: whatever happens after it, settles the key's limits to what the request used
/// and records metrics and feedback (in a <c>finally</c>).</item>
/// <item><see cref="ReadRequestStep"/>: reads the body (bounded) and validates it.</item>
/// <item><see cref="AdmissionStep"/>: counts the request against the key's limits and reserves its tokens and spend.</item>
/// <item><see cref="ResolveModelStep"/>: the candidate models (explicit, routed or fallbacks), or an agent run.</item>
/// <item><see cref="CacheStep"/>: answers from the response cache, or keeps the answer for it.</item>
/// <item><see cref="ForwardStep"/>: hands the request to each candidate's cluster in turn until one answers.</item>
/// </list>
/// YARP's own steps (load balancing, passive health checks) follow, then the forwarder.
/// </summary>
internal static class FrontDoorPipeline
{
    public static IReverseProxyApplicationBuilder UseFrontDoor(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.UseMiddleware<AccountingStep>();
        proxy.UseMiddleware<ReadRequestStep>();
        proxy.UseMiddleware<AdmissionStep>();
        proxy.UseMiddleware<ResolveModelStep>();
        proxy.UseMiddleware<CacheStep>();
        proxy.UseMiddleware<ForwardStep>();
        return proxy;
    }

    /// <summary>The request's feature (set by <see cref="RequestContextMiddleware"/> for every request).</summary>
    public static GatewayRequestFeature Feature(this HttpContext context) => context.Features.Get<GatewayRequestFeature>()!;
}
