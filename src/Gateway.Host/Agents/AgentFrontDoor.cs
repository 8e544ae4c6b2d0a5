using System.Text.Json;
using Gateway.Agents.Configuration;
using Gateway.Agents.Runtime;
using Gateway.Errors;
using Gateway.Host.Auth;

namespace Gateway.Host.Agents;

/// <summary>
/// Agents behind the OpenAI front door: <c>model: "agent:&lt;name&gt;"</c> on <c>/v1/chat/completions</c>
/// runs the agent and answers with its final answer (streamed with its events when asked), and
/// <c>POST /v1/agents/{name}/runs</c> returns the whole trace. The caller's key must allow
/// <c>agent:&lt;name&gt;</c>, and every model call of the run is made with that key. The caller's own
/// <c>tools</c> are offered to the agent; when it calls one, the answer carries the <c>tool_calls</c>
/// (<c>finish_reason: "tool_calls"</c>) and the run resumes from the conversation sent back with the results.
/// </summary>
internal sealed class AgentFrontDoor
{
    private static readonly JsonSerializerOptions TraceJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly AgentRunner _runner;
    private readonly AgentEndpointAddress _address;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;

    private readonly AgentMetrics _metrics;

    public AgentFrontDoor(AgentRunner runner, AgentEndpointAddress address, TimeProvider time, AgentMetrics metrics)
    {
        _metrics = metrics;
        _runner = runner;
        _address = address;
        _time = time;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    // An agent removed by a reload since the request resolved it has no limits left to read; this bounds its run.
    private static readonly TimeSpan UnknownAgentRunTimeout = TimeSpan.FromMinutes(5);

    /// <summary>In a key's model list, every agent.</summary>
    public const string AllAgents = AgentSnapshot.ModelPrefix + "*";

    public static bool IsAgent(string model) => model.StartsWith(AgentSnapshot.ModelPrefix, StringComparison.Ordinal);

    /// <summary>Checks that <paramref name="model"/> names an agent the key may use; returns its name without the prefix.</summary>
    public GatewayError? Resolve(string model, VirtualKey key, out string name)
    {
        name = model[AgentSnapshot.ModelPrefix.Length..];
        if (_runner.Find(name) is null)
        {
            return GatewayError.ModelNotFound(model);
        }

        return key.Allows(model) || key.Allows(AllAgents) ? null : GatewayError.ModelNotAllowed(model, key.Name);
    }

    /// <summary>The <c>agent:&lt;name&gt;</c> ids the key may use, in name order.</summary>
    public IEnumerable<string> Allowed(VirtualKey key) => AllowedDefinitions(key).Select(a => AgentSnapshot.ModelPrefix + a.Key);

    /// <summary>The agents the key may use with their definitions, in name order, from one snapshot.</summary>
    public IEnumerable<KeyValuePair<string, AgentOptions>> AllowedDefinitions(VirtualKey key) => _runner.Definitions
        .Where(a => key.Allows(AgentSnapshot.ModelPrefix + a.Key) || key.Allows(AllAgents));

    /// <summary>Answers a chat completion whose model is <c>agent:&lt;name&gt;</c>.</summary>
    public async Task HandleChatAsync(HttpContext context, string name, ReadOnlyMemory<byte> body, bool stream)
    {
        using var document = JsonDocument.Parse(body);
        var (messages, clientTools) = await ReadAsync(context, name, document.RootElement, AgentMessages.FromChat);
        if (messages is null || clientTools is null)
        {
            return;
        }

        var model = AgentSnapshot.ModelPrefix + name;
        var provider = Provider(context, name);
        context.Response.Headers["x-gateway-model"] = model;
        if (!stream)
        {
            var result = await RunAsync(name, messages, clientTools, provider, null, context.RequestAborted);
            if (result.ErrorCode is not null)
            {
                await GatewayErrorWriter.WriteAsync(context, Failure(result));
                return;
            }

            await context.Response.WriteAsJsonAsync(AgentChatWriter.Completion(result.Trace, model, _time.GetUtcNow().ToUnixTimeSeconds()), context.RequestAborted);
            return;
        }

        var includeUsage = document.RootElement.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("include_usage", out var usage) && usage.ValueKind == JsonValueKind.True;
        var writer = new AgentChatWriter(context.Response, model, _time);
        await writer.StartAsync(context.RequestAborted);
        var streamed = await RunAsync(name, messages, clientTools, provider, writer, context.RequestAborted);
        if (streamed.ErrorCode is not null)
        {
            await writer.FailAsync(Failure(streamed), context.RequestAborted);
            return;
        }

        await writer.FinishAsync(streamed.Trace, includeUsage, context.RequestAborted);
    }

    /// <summary>Runs an agent and answers with its trace (<c>POST /v1/agents/{name}/runs</c>).</summary>
    public async Task HandleRunAsync(HttpContext context, string name, JsonElement body)
    {
        var (messages, clientTools) = await ReadAsync(context, name, body, AgentMessages.FromRun);
        if (messages is null || clientTools is null)
        {
            return;
        }

        var result = await RunAsync(name, messages, clientTools, Provider(context, name), null, context.RequestAborted);
        context.Response.StatusCode = result.ErrorCode is null ? StatusCodes.Status200OK : Failure(result).Status;
        await context.Response.WriteAsJsonAsync(result.Trace, TraceJson, context.RequestAborted);
    }

    private delegate List<Microsoft.Extensions.AI.ChatMessage>? MessageReader(JsonElement root, out GatewayError? error);

    /// <summary>
    /// The conversation and the caller's tools, checked against the agent before anything is written (a streamed
    /// answer cannot change its status later); on a mistake writes the 400 and returns nulls.
    /// </summary>
    private async Task<(List<Microsoft.Extensions.AI.ChatMessage>? Messages, ClientToolOffer? ClientTools)> ReadAsync(
        HttpContext context, string name, JsonElement root, MessageReader read)
    {
        var messages = read(root, out var error);
        var clientTools = messages is null ? null : ClientToolRequest.Parse(root, out error);
        if (clientTools is not null && await _runner.CheckClientToolsAsync(name, clientTools, context.RequestAborted) is { } rejected)
        {
            error = GatewayError.BadRequest(rejected.Message, "tools", rejected.Code);
            clientTools = null;
        }

        if (error is not null)
        {
            await GatewayErrorWriter.WriteAsync(context, error);
            return (null, null);
        }

        return (messages, clientTools);
    }

    private async Task<AgentRunResult> RunAsync(string name, List<Microsoft.Extensions.AI.ChatMessage> messages, ClientToolOffer clientTools,
        LoopbackModelProvider provider, IAgentEventSink? events, CancellationToken cancellationToken)
    {
        var result = await _runner.RunAsync(name, messages, clientTools, provider, events, cancellationToken);
        _metrics.Record(result);
        return result;
    }

    private LoopbackModelProvider Provider(HttpContext context, string name)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : "";
        var timeout = _runner.Find(name)?.Limits.RunTimeout ?? UnknownAgentRunTimeout;
        return new LoopbackModelProvider(_address.ApiBase(), key, _http, timeout);
    }

    /// <summary>
    /// A role refused for the caller's reasons keeps its status (401/403/429) and refused caller's tools are a 400;
    /// any other failure (a model that failed, a plan that does not parse) is the upstream models' (502).
    /// </summary>
    private static GatewayError Failure(AgentRunResult result)
    {
        var message = $"The agent '{result.Trace.Agent}' could not answer (run {result.Trace.Id}): {result.Trace.Error}";
        return result.CallerStatus switch
        {
            // The caller's tools were refused after the check before the run (the agent's tools changed in between).
            StatusCodes.Status400BadRequest => GatewayError.BadRequest(result.Trace.Error ?? message, "tools", result.ErrorCode ?? "invalid_request"),
            StatusCodes.Status404NotFound => GatewayError.ModelNotFound(AgentSnapshot.ModelPrefix + result.Trace.Agent),
            StatusCodes.Status429TooManyRequests => new(StatusCodes.Status429TooManyRequests, message, OpenAIErrorTypes.RateLimit, null, result.ErrorCode),
            StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden => new(StatusCodes.Status403Forbidden, message, OpenAIErrorTypes.Permission, "model", result.ErrorCode),
            _ => new(StatusCodes.Status502BadGateway, message, OpenAIErrorTypes.Upstream, null, result.ErrorCode),
        };
    }
}
