using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Host.Anthropic;

/// <summary>
/// The Messages API's <c>message</c> object, built from a chat completion: the model's reasoning (when the caller
/// turned thinking on) becomes a <c>thinking</c> block, its text a <c>text</c> block and each tool call a
/// <c>tool_use</c> block, in that order.
/// </summary>
internal static class MessageObject
{
    public static string NewId() => "msg_" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// The <c>stop_reason</c> for a chat <c>finish_reason</c>: <c>length</c> is <c>max_tokens</c>, <c>tool_calls</c>
    /// <c>tool_use</c>, <c>content_filter</c> <c>refusal</c>; <c>stop</c> is <c>stop_sequence</c> when the upstream
    /// names the caller's stop sequence it met (vLLM's <c>stop_reason</c>), else <c>end_turn</c>.
    /// </summary>
    public static (string Reason, string? Sequence) StopReason(string? finish, string? matched, IReadOnlyList<string> stops) => finish switch
    {
        "length" => ("max_tokens", null),
        "tool_calls" or "function_call" => ("tool_use", null),
        "content_filter" => ("refusal", null),
        _ when matched is not null && stops.Contains(matched) => ("stop_sequence", matched),
        _ => ("end_turn", null),
    };

    /// <summary>The matched stop string a choice names, where the upstream says (vLLM: <c>stop_reason</c>).</summary>
    public static string? MatchedStop(JsonElement choice) =>
        choice.TryGetProperty("stop_reason", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;

    /// <summary>
    /// The usage in the Messages API's names: prompt tokens the upstream read from its cache are
    /// <c>cache_read_input_tokens</c>, the rest <c>input_tokens</c>, as Anthropic counts them.
    /// </summary>
    public static JsonObject Usage(JsonElement usage)
    {
        static long Read(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : 0;
        var prompt = Read(usage, "prompt_tokens");
        var cached = usage.ValueKind == JsonValueKind.Object && usage.TryGetProperty("prompt_tokens_details", out var details) ? Math.Min(prompt, Read(details, "cached_tokens")) : 0;
        return new JsonObject
        {
            ["input_tokens"] = prompt - cached,
            ["cache_creation_input_tokens"] = 0,
            ["cache_read_input_tokens"] = cached,
            ["output_tokens"] = Read(usage, "completion_tokens"),
        };
    }

    /// <summary>The reasoning text of a chat message or delta: <c>reasoning_content</c> (vLLM, llama.cpp, DeepSeek) or <c>reasoning</c>.</summary>
    public static string? Reasoning(JsonElement message) =>
        message.TryGetProperty("reasoning_content", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()
        : message.TryGetProperty("reasoning", out r) && r.ValueKind == JsonValueKind.String ? r.GetString()
        : null;

    /// <summary>A whole (non-streamed) chat completion as a <c>message</c>.</summary>
    public static JsonObject FromCompletion(JsonElement completion, MessagesTranslation request, string model)
    {
        var content = new JsonArray();
        string? finish = null, matched = null;
        if (completion.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
            && choices[0] is { ValueKind: JsonValueKind.Object } choice)
        {
            finish = choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            matched = MatchedStop(choice);
            if (choice.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
            {
                if (request.Thinking && Reasoning(message) is { Length: > 0 } reasoning)
                {
                    content.Add(ThinkingBlock(reasoning));
                }

                if (message.TryGetProperty("content", out var text) && text.ValueKind == JsonValueKind.String && text.GetString() is { Length: > 0 } value)
                {
                    content.Add(TextBlock(value));
                }

                if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
                {
                    foreach (var call in calls.EnumerateArray())
                    {
                        var function = call.TryGetProperty("function", out var fn) && fn.ValueKind == JsonValueKind.Object ? fn : default;
                        content.Add(ToolUseBlock(
                            call.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : NewToolUseId(),
                            function.ValueKind == JsonValueKind.Object && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString()! : "",
                            Input(function.ValueKind == JsonValueKind.Object && function.TryGetProperty("arguments", out var args) && args.ValueKind == JsonValueKind.String ? args.GetString() : null)));
                    }
                }
            }
        }

        var (reason, sequence) = StopReason(finish, matched, request.StopSequences);
        return new JsonObject
        {
            ["id"] = NewId(),
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = model,
            ["content"] = content,
            ["stop_reason"] = reason,
            ["stop_sequence"] = sequence,
            ["usage"] = Usage(completion.TryGetProperty("usage", out var usage) ? usage : default),
        };
    }

    public static string NewToolUseId() => "toolu_" + Guid.NewGuid().ToString("N");

    public static JsonObject TextBlock(string text) => new() { ["type"] = "text", ["text"] = text };

    /// <summary>
    /// A thinking block. Its <c>signature</c> is empty: the gateway cannot sign a model's reasoning as Anthropic
    /// does, and drops thinking blocks sent back to it.
    /// </summary>
    public static JsonObject ThinkingBlock(string thinking) => new() { ["type"] = "thinking", ["thinking"] = thinking, ["signature"] = "" };

    public static JsonObject ToolUseBlock(string id, string name, JsonNode input) => new() { ["type"] = "tool_use", ["id"] = id, ["name"] = name, ["input"] = input };

    /// <summary>A call's arguments as the <c>input</c> object; arguments that are not a JSON object are kept under <c>_arguments</c>, never dropped.</summary>
    public static JsonNode Input(string? arguments)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return new JsonObject();
        }

        try
        {
            if (JsonNode.Parse(arguments) is JsonObject input)
            {
                return input;
            }
        }
        catch (JsonException)
        {
            // A model's malformed arguments: kept as text below.
        }

        return new JsonObject { ["_arguments"] = arguments };
    }
}
