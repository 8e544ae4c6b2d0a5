using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Host.Responses;

/// <summary>
/// The Responses API's <c>response</c> object, built from a chat completion: the assistant's text becomes a
/// <c>message</c> output item and each tool call a <c>function_call</c> item; <c>finish_reason: length</c> makes the
/// response <c>incomplete</c> (<c>max_output_tokens</c>).
/// </summary>
internal sealed class ResponseObject
{
    private readonly JsonElement _request;

    public ResponseObject(JsonElement request, long createdAt)
    {
        _request = request;
        CreatedAt = createdAt;
        Model = request.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
    }

    public string Id { get; } = "resp_" + Guid.NewGuid().ToString("N");
    public long CreatedAt { get; }

    /// <summary>The model that answered (a routed request names the one chosen).</summary>
    public string Model { get; set; }

    public List<JsonObject> Output { get; } = [];

    /// <summary>Whether the request's <c>include</c> asked for <c>message.output_text.logprobs</c>.</summary>
    public bool WantsLogprobs => ResponsesRequest.WantsLogprobs(_request);
    public string? FinishReason { get; set; }
    public JsonObject? Usage { get; set; }

    public static string NewItemId(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N");

    public static JsonObject MessageItem(string id, string text, string status, JsonArray? logprobs = null) => new()
    {
        ["id"] = id,
        ["type"] = "message",
        ["status"] = status,
        ["role"] = "assistant",
        ["content"] = status == "in_progress" ? new JsonArray() : new JsonArray(TextPart(text, logprobs)),
    };

    /// <summary>An <c>output_text</c> part; with <paramref name="logprobs"/> (asked for with <c>include</c>) its tokens' log probabilities.</summary>
    public static JsonObject TextPart(string text, JsonArray? logprobs = null)
    {
        var part = new JsonObject { ["type"] = "output_text", ["text"] = text, ["annotations"] = new JsonArray() };
        if (logprobs is not null)
        {
            part["logprobs"] = logprobs.DeepClone();
        }
        return part;
    }

    /// <summary>The tokens of a chat choice's or chunk's <c>logprobs.content</c>, which the Responses API lists in the same shape.</summary>
    public static IEnumerable<JsonNode?> ChatLogprobs(JsonElement choice) =>
        choice.TryGetProperty("logprobs", out var logprobs) && logprobs.ValueKind == JsonValueKind.Object
        && logprobs.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array
            ? content.EnumerateArray().Select(t => JsonNode.Parse(t.GetRawText()))
            : [];

    public static JsonObject FunctionCallItem(string id, string callId, string name, string arguments, string status) => new()
    {
        ["id"] = id,
        ["type"] = "function_call",
        ["status"] = status,
        ["call_id"] = callId,
        ["name"] = name,
        ["arguments"] = arguments,
    };

    /// <summary>The usage in the Responses API's names, from a chat completion's <c>usage</c>.</summary>
    public static JsonObject? ConvertUsage(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        static long Read(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : 0;
        var input = Read(usage, "prompt_tokens");
        var output = Read(usage, "completion_tokens");
        var cached = usage.TryGetProperty("prompt_tokens_details", out var pd) && pd.ValueKind == JsonValueKind.Object ? Read(pd, "cached_tokens") : 0;
        var reasoning = usage.TryGetProperty("completion_tokens_details", out var cd) && cd.ValueKind == JsonValueKind.Object ? Read(cd, "reasoning_tokens") : 0;
        return new JsonObject
        {
            ["input_tokens"] = input,
            ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = cached },
            ["output_tokens"] = output,
            ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = reasoning },
            ["total_tokens"] = input + output,
        };
    }

    /// <summary>Fills the output from a whole (non-streamed) chat completion.</summary>
    public void AddCompletion(JsonElement completion)
    {
        if (completion.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String)
        {
            Model = model.GetString()!;
        }

        if (completion.TryGetProperty("usage", out var usage))
        {
            Usage = ConvertUsage(usage);
        }

        if (!completion.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
        {
            return;
        }

        var choice = choices[0];
        FinishReason = choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        if (!choice.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        // A local reasoning model's thinking (reasoning_content) is the Responses API's reasoning item, before the message.
        if (message.TryGetProperty("reasoning_content", out var reasoning) && reasoning.ValueKind == JsonValueKind.String && reasoning.GetString() is { Length: > 0 } thinking)
        {
            Output.Add(new JsonObject
            {
                ["id"] = NewItemId("rs"),
                ["type"] = "reasoning",
                ["summary"] = new JsonArray(),
                ["content"] = new JsonArray(new JsonObject { ["type"] = "reasoning_text", ["text"] = thinking }),
            });
        }

        if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && content.GetString() is { Length: > 0 } text)
        {
            Output.Add(MessageItem(NewItemId("msg"), text, "completed", WantsLogprobs ? new JsonArray([.. ChatLogprobs(choice)]) : null));
        }

        if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                var function = call.GetProperty("function");
                Output.Add(FunctionCallItem(
                    NewItemId("fc"),
                    call.TryGetProperty("id", out var id) ? id.GetString() ?? NewItemId("call") : NewItemId("call"),
                    function.GetProperty("name").GetString() ?? "",
                    function.TryGetProperty("arguments", out var args) ? args.GetString() ?? "" : "",
                    "completed"));
            }
        }
    }

    /// <summary>The <c>response</c> object, with <paramref name="status"/> overriding the one the finish reason gives.</summary>
    public JsonObject ToJson(string? status = null)
    {
        status ??= FinishReason is "length" or "content_filter" ? "incomplete" : "completed";
        var response = new JsonObject
        {
            ["id"] = Id,
            ["object"] = "response",
            ["created_at"] = CreatedAt,
            ["status"] = status,
            ["error"] = null,
            ["incomplete_details"] = status == "incomplete"
                ? new JsonObject { ["reason"] = FinishReason == "content_filter" ? "content_filter" : "max_output_tokens" }
                : null,
            ["instructions"] = Echo("instructions"),
            ["max_output_tokens"] = Echo("max_output_tokens"),
            ["model"] = Model,
            ["output"] = new JsonArray([.. Output.Select(o => o.DeepClone())]),
            ["parallel_tool_calls"] = Echo("parallel_tool_calls") ?? true,
            ["previous_response_id"] = null,
            ["reasoning"] = new JsonObject { ["effort"] = null, ["summary"] = null },
            ["store"] = false,
            ["temperature"] = Echo("temperature") ?? 1.0,
            ["text"] = Echo("text") ?? new JsonObject { ["format"] = new JsonObject { ["type"] = "text" } },
            ["tool_choice"] = Echo("tool_choice") ?? "auto",
            ["tools"] = Echo("tools") ?? new JsonArray(),
            ["top_p"] = Echo("top_p") ?? 1.0,
            ["truncation"] = "disabled",
            ["usage"] = Usage?.DeepClone(),
            ["user"] = Echo("user"),
            ["metadata"] = Echo("metadata") ?? new JsonObject(),
        };
        return response;
    }

    private JsonNode? Echo(string name) =>
        _request.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? JsonNode.Parse(value.GetRawText()) : null;
}
