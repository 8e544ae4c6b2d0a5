using System.Diagnostics;

namespace Gateway.Host.Telemetry;

/// <summary>
/// The gateway's one <see cref="ActivitySource"/> and the attribute names its spans carry: the OpenTelemetry GenAI
/// semantic conventions (<c>gen_ai.*</c>) where they name a fact, <c>gateway.*</c> for the gateway's own (routing,
/// fallbacks). Without a listener (tracing off) <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// returns null after one check and allocates nothing, so every call site tests for null and does no other work.
/// </summary>
internal static class GatewayTracing
{
    /// <summary>The source name, also used by the agent runtime's spans (<c>Gateway.Agents</c>).</summary>
    public const string SourceName = "Gateway";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// True in a build with <c>-p:GatewayTracing=false</c>, the baseline <c>bench/frontdoor/tracing.sh</c> measures
    /// tracing off against: no tracer is registered whatever is configured, and no front-door span is even asked for.
    /// </summary>
#if GATEWAY_NO_TRACING
    public const bool CompiledOut = true;
#else
    public const bool CompiledOut = false;
#endif

    /// <summary>
    /// A span of <see cref="Source"/> (a child of <paramref name="parent"/>, or of the current span when that is
    /// default), or null when nothing samples it. Every front-door span starts here.
    /// </summary>
    public static Activity? Start(string name, ActivityKind kind = ActivityKind.Internal, ActivityContext parent = default) =>
        CompiledOut ? null : Source.StartActivity(name, kind, parent);

    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string RequestMaxTokens = "gen_ai.request.max_tokens";
    public const string RequestChoiceCount = "gen_ai.request.choice.count";
    public const string ResponseModel = "gen_ai.response.model";
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";
    public const string InputMessages = "gen_ai.input.messages";
    public const string OutputMessages = "gen_ai.output.messages";
    public const string ErrorType = "error.type";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string HttpStatusCode = "http.response.status_code";

    public const string RequestId = "gateway.request_id";
    public const string Stream = "gateway.stream";
    public const string KeyName = "gateway.key";
    public const string Routed = "gateway.routed";
    public const string UpstreamModel = "gateway.upstream.model";
    public const string CandidateIndex = "gateway.candidate.index";
    public const string FallbackReason = "gateway.fallback.reason";
    public const string Try = "gateway.upstream.try";
    public const string RouteProfile = "gateway.route.profile";
    public const string RouteCandidates = "gateway.route.candidates";
    public const string RouteScores = "gateway.route.scores";
    public const string RouteRejected = "gateway.route.rejected";
    public const string RouteOutcome = "gateway.route.outcome";

    /// <summary>The <c>gen_ai.operation.name</c> of a front-door operation.</summary>
    public static string OperationOf(FrontDoor.OpenAIOperation operation) => operation switch
    {
        FrontDoor.OpenAIOperation.ChatCompletions => "chat",
        FrontDoor.OpenAIOperation.Completions => "text_completion",
        _ => "embeddings",
    };
}
