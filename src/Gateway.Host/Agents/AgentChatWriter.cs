using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Agents.Runtime;
using Gateway.Errors;
using Gateway.ServerSentEvents;

namespace Gateway.Host.Agents;

/// <summary>
/// Writes an agent's answer as an OpenAI chat completion, or, streamed, as <c>chat.completion.chunk</c>
/// events: every run event first (an empty <c>delta</c> plus a <c>gateway_event</c> object that OpenAI
/// clients ignore), then the answer as content deltas as the answering role generates it, the finish
/// reason, usage when asked, and <c>[DONE]</c>. A run paused for the caller's tools answers as OpenAI does:
/// an assistant message with <c>tool_calls</c> (streamed as tool call deltas after the content) and
/// <c>finish_reason: "tool_calls"</c>; its content is what the agent needs back to resume.
/// </summary>
internal sealed class AgentChatWriter : IAgentAnswerSink
{
    private readonly HttpResponse _response;
    private readonly SseWriter _events;
    private readonly string _id;
    private readonly string _model;
    private readonly long _created;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _started;
    private bool _answered;

    public AgentChatWriter(HttpResponse response, string model, TimeProvider time)
    {
        _response = response;
        _events = new SseWriter(response);
        _model = model;
        _id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        _created = time.GetUtcNow().ToUnixTimeSeconds();
    }

    public static JsonObject Completion(AgentTrace trace, string model, long created) => new()
    {
        ["id"] = "chatcmpl-" + trace.Id["run_".Length..],
        ["object"] = "chat.completion",
        ["created"] = created,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = Message(trace),
            ["finish_reason"] = FinishReason(trace),
        }),
        ["usage"] = Usage(trace),
        ["gateway_run"] = new JsonObject { ["id"] = trace.Id, ["status"] = JsonSerializer.SerializeToNode(trace.Status), ["steps"] = trace.Steps.Count },
    };

    public async ValueTask EmitAsync(AgentEvent agentEvent, CancellationToken cancellationToken)
    {
        var data = (JsonObject)agentEvent.Data.DeepClone();
        data["type"] = agentEvent.Type;
        await WriteChunkAsync(new JsonObject(), null, data, cancellationToken);
    }

    public async ValueTask AnswerDeltaAsync(string text, CancellationToken cancellationToken)
    {
        _answered = true;
        await WriteChunkAsync(new JsonObject { ["content"] = text }, null, null, cancellationToken);
    }

    /// <summary>Starts the event stream (headers and the assistant role) before the run begins.</summary>
    public Task StartAsync(CancellationToken cancellationToken) =>
        WriteChunkAsync(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null, null, cancellationToken);

    public async Task FinishAsync(AgentTrace trace, bool includeUsage, CancellationToken cancellationToken)
    {
        if (!_answered && (trace.ToolCalls is null || trace.Answer.Length > 0))
        {
            await WriteChunkAsync(new JsonObject { ["content"] = trace.Answer }, null, null, cancellationToken);
        }

        var index = 0;
        foreach (var call in trace.ToolCalls ?? [])
        {
            // As OpenAI streams a call: its id, type and name first, then the arguments.
            await WriteChunkAsync(ToolCallDelta(new JsonObject
            {
                ["index"] = index,
                ["id"] = call.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = "" },
            }), null, null, cancellationToken);
            await WriteChunkAsync(ToolCallDelta(new JsonObject { ["index"] = index++, ["function"] = new JsonObject { ["arguments"] = call.Arguments } }),
                null, null, cancellationToken);
        }

        await WriteChunkAsync(new JsonObject(), FinishReason(trace), null, cancellationToken);
        if (includeUsage)
        {
            await WriteAsync(Chunk(null, null, null, Usage(trace)), cancellationToken);
        }

        await _events.WriteDoneAsync(cancellationToken);
    }

    /// <summary>Ends the stream with the run's failure as an error event, then <c>[DONE]</c>.</summary>
    public async Task FailAsync(GatewayError error, CancellationToken cancellationToken)
    {
        await _events.WriteErrorAsync(error, cancellationToken);
        await _events.WriteDoneAsync(cancellationToken);
    }

    private Task WriteChunkAsync(JsonObject delta, string? finishReason, JsonObject? gatewayEvent, CancellationToken cancellationToken) =>
        WriteAsync(Chunk(delta, finishReason, gatewayEvent, null), cancellationToken);

    private JsonObject Chunk(JsonObject? delta, string? finishReason, JsonObject? gatewayEvent, JsonObject? usage)
    {
        var chunk = new JsonObject
        {
            ["id"] = _id,
            ["object"] = "chat.completion.chunk",
            ["created"] = _created,
            ["model"] = _model,
            ["choices"] = delta is null ? new JsonArray() : new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
        };
        if (usage is not null)
        {
            chunk["usage"] = usage;
        }

        if (gatewayEvent is not null)
        {
            chunk["gateway_event"] = gatewayEvent;
        }

        return chunk;
    }

    private async Task WriteAsync(JsonObject chunk, CancellationToken cancellationToken)
    {
        // Parallel tool steps report at once; one event is written whole before the next.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_started)
            {
                _started = true;
                _response.StatusCode = StatusCodes.Status200OK;
                SseWriter.SetHeaders(_response);
            }

            await _events.WriteAsync(chunk.ToJsonString(), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static JsonObject Message(AgentTrace trace)
    {
        if (trace.ToolCalls is not { Count: > 0 } calls)
        {
            return new JsonObject { ["role"] = "assistant", ["content"] = trace.Answer };
        }

        return new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = trace.Answer.Length > 0 ? trace.Answer : null,
            ["tool_calls"] = new JsonArray([.. calls.Select(c => new JsonObject
            {
                ["id"] = c.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments },
            })]),
        };
    }

    private static JsonObject ToolCallDelta(JsonObject call) => new() { ["tool_calls"] = new JsonArray(call) };

    private static string FinishReason(AgentTrace trace) => trace.Status switch
    {
        AgentRunStatus.LimitReached => "length",
        AgentRunStatus.AwaitingClient => "tool_calls",
        _ => "stop",
    };

    private static JsonObject Usage(AgentTrace trace) => new()
    {
        ["prompt_tokens"] = trace.Usage.PromptTokens,
        ["completion_tokens"] = trace.Usage.CompletionTokens,
        ["total_tokens"] = trace.Usage.TotalTokens,
    };
}
