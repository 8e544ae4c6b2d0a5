using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Inference.Protocol.ToolFormats;
using Gateway.ModelServer.Engine;

namespace Gateway.ModelServer.Api;

/// <summary><c>POST /v1/chat/completions</c>, streaming (SSE) and not.</summary>
internal static class ChatEndpoints
{
    public static async Task Handle(HttpContext http, GenerationService service, TimeProvider time)
    {
        if (await GenerationStart.TryStartAsync(http, service, RequestParser.ParseChat) is not { } started)
        {
            return;
        }

        var (request, job) = started;
        var id = "chatcmpl-" + Guid.NewGuid().ToString("N")[..24];
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var model = request.Model ?? service.Model.Id;
        if (request.Stream)
        {
            await ChatStreaming.WriteAsync(http, job, request, id, created, model);
            return;
        }

        var output = new GenerationOutput();
        await GenerationAnswer.WriteAsync(http, [job], [output], finished =>
        {
            http.Response.Headers["x-gateway-batch-peak"] = finished[0].PeakBatch.ToString(CultureInfo.InvariantCulture);
            return Completion(request, output, finished[0], job.Chat!, id, created, model);
        });
    }

    private static JsonObject Completion(ChatRequest request, GenerationOutput output, GenerationEvent.Finished finished, ChatOutput chat, string id, long created, string model)
    {
        var parsed = AssistantOutputParser.Parse(output.Text.ToString(), chat.Dialect, chat.ParseToolCalls, chat.ThinkingOpen);
        var message = new JsonObject { ["role"] = "assistant" };
        var reason = finished.FinishReason;
        JsonNode? logprobs;
        if (parsed.ToolCalls.Count > 0)
        {
            message["content"] = parsed.Content.Length == 0 ? null : parsed.Content;
            message["tool_calls"] = new JsonArray([.. parsed.ToolCalls.Select(c => ToolCall(c.Id, c.Name, c.Arguments))]);
            reason = "tool_calls";

            // As OpenAI does: log probabilities describe content, and a tool call has none.
            logprobs = request.Logprobs is null ? null : new JsonObject { ["content"] = null, ["refusal"] = null };
        }
        else
        {
            message["content"] = parsed.Content;
            logprobs = request.Logprobs is null ? null : LogprobsJson.Chat(output.Tokens);
        }
        if (parsed.Reasoning.Length > 0)
        {
            message["reasoning_content"] = parsed.Reasoning;
        }
        var choice = new JsonObject
        {
            ["index"] = 0,
            ["message"] = message,
            ["logprobs"] = logprobs,
            ["finish_reason"] = reason,
        };
        AddMatchedStop(choice, reason, finished);
        return new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = created,
            ["model"] = model,
            ["choices"] = new JsonArray(choice),
            ["usage"] = Usage(finished),
        };
    }

    /// <summary>
    /// Names the stop sequence met, as vLLM does (<c>stop_reason</c> on the choice): the Messages API's
    /// <c>stop_sequence</c> needs it, and <c>finish_reason: "stop"</c> alone does not tell it from the end of a turn.
    /// </summary>
    internal static void AddMatchedStop(JsonObject choice, string? reason, GenerationEvent.Finished finished)
    {
        if (reason == "stop" && finished.MatchedStop is { } stop)
        {
            choice["stop_reason"] = stop;
        }
    }

    internal static JsonObject ToolCall(string id, string name, string args) => new()
    {
        ["id"] = id,
        ["type"] = "function",
        ["function"] = new JsonObject { ["name"] = name, ["arguments"] = args },
    };

    internal static JsonObject Usage(GenerationEvent.Finished f) => new()
    {
        ["prompt_tokens"] = f.PromptTokens,
        ["completion_tokens"] = f.CompletionTokens,
        ["total_tokens"] = f.PromptTokens + f.CompletionTokens,
        ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = f.CachedTokens },
    };
}
