using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Errors;

namespace Gateway.Host.Anthropic;

/// <summary>A Messages API request as the chat completion that answers it, with what the answer's translation needs.</summary>
/// <param name="Chat">The chat completion request.</param>
/// <param name="Model">The model the caller named.</param>
/// <param name="Stream">Whether the caller asked for events.</param>
/// <param name="Thinking">Whether the caller turned <c>thinking</c> on, so the model's reasoning comes back as thinking blocks.</param>
/// <param name="StopSequences">The caller's <c>stop_sequences</c>, to tell <c>stop_sequence</c> from <c>end_turn</c>.</param>
internal sealed record MessagesTranslation(JsonObject Chat, string Model, bool Stream, bool Thinking, IReadOnlyList<string> StopSequences);

/// <summary>
/// Turns an Anthropic Messages API request (<c>POST /v1/messages</c>) into the chat completion that answers it:
/// <c>system</c> becomes the first message, content blocks become chat content parts, <c>tool_use</c> blocks an
/// assistant's <c>tool_calls</c>, <c>tool_result</c> blocks <c>tool</c> messages, <c>tools</c> function tools.
/// Anything the chat API has no place for (server tools, documents, files, MCP servers, containers) is refused
/// with a 400 that says so, as is a field this version does not know: Anthropic's API refuses those too.
/// </summary>
internal static partial class MessagesRequest
{
    /// <summary>Most stop sequences one request may carry: the chat completion API's limit.</summary>
    public const int MaxStopSequences = 4;

    /// <summary>Fields that change nothing in the answer: hints about Anthropic's own service.</summary>
    private static readonly HashSet<string> Ignored = ["service_tier", "cache_control", "inference_geo"];

    /// <summary>Fields of the Messages API that need Anthropic's own service.</summary>
    private static readonly HashSet<string> NeedsAnthropic = ["mcp_servers", "container", "context_management", "output_format", "output_config"];

    /// <summary>Translates a request to <c>/v1/messages</c> (<paramref name="countOnly"/>: to <c>/v1/messages/count_tokens</c>, where <c>max_tokens</c> is not asked for).</summary>
    /// <param name="passTopK">Whether the model takes <c>top_k</c> (a local model does); otherwise it is dropped.</param>
    public static MessagesTranslation? Translate(JsonElement root, bool countOnly, bool passTopK, out GatewayError? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = GatewayError.BadRequest("The body must be a JSON object.");
            return null;
        }

        var chat = new JsonObject();
        var stream = false;
        var thinking = false;
        List<string> stops = [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in root.EnumerateObject())
        {
            if (!seen.Add(field.Name))
            {
                // Parsers disagree on which of two equal keys wins; every reader of this request must see the same one.
                error = GatewayError.BadRequest($"{field.Name}: appears more than once.", field.Name, "duplicate_parameter");
                return null;
            }

            var value = field.Value;
            switch (field.Name)
            {
                case "model" when value.ValueKind == JsonValueKind.String:
                    chat["model"] = value.GetString();
                    break;
                case "model":
                    error = GatewayError.BadRequest("model: must be a string.", "model");
                    return null;
                case "messages" or "system":
                    break; // Read below, system first.
                case "max_tokens":
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var max) || max < 1)
                    {
                        error = GatewayError.BadRequest("max_tokens: must be a positive integer.", "max_tokens");
                        return null;
                    }
                    chat["max_tokens"] = max;
                    break;
                case "stream" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    stream = value.ValueKind == JsonValueKind.True && !countOnly;
                    break;
                case "stream":
                    error = GatewayError.BadRequest("stream: must be a boolean.", "stream");
                    return null;
                case "temperature" or "top_p":
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || number is < 0 or > 1)
                    {
                        error = GatewayError.BadRequest($"{field.Name}: must be a number from 0 to 1.", field.Name);
                        return null;
                    }
                    chat[field.Name] = JsonNode.Parse(value.GetRawText());
                    break;
                case "top_k":
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var topK) || topK < 0)
                    {
                        error = GatewayError.BadRequest("top_k: must be a non-negative integer.", "top_k");
                        return null;
                    }
                    if (passTopK)
                    {
                        chat["top_k"] = topK;
                    }
                    break;
                case "stop_sequences":
                    if (!StopSequences(value, stops, out error))
                    {
                        return null;
                    }
                    if (stops.Count > 0)
                    {
                        chat["stop"] = new JsonArray([.. stops.Select(s => (JsonNode)s)]);
                    }
                    break;
                case "metadata":
                    if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("user_id", out var user) && user.ValueKind == JsonValueKind.String)
                    {
                        chat["user"] = user.GetString();
                    }
                    break;
                case "thinking":
                    if (!Thinking(value, chat, out thinking, out error))
                    {
                        return null;
                    }
                    break;
                case "tools":
                    if (!Tools(value, chat, out error))
                    {
                        return null;
                    }
                    break;
                case "tool_choice":
                    break; // Read below, once the tools are known.
                case var name when Ignored.Contains(name):
                    break;
                case var name when NeedsAnthropic.Contains(name):
                    error = GatewayError.BadRequest($"{name}: needs Anthropic's own service and cannot be translated by this gateway.", name, "unsupported_parameter");
                    return null;
                default:
                    error = GatewayError.BadRequest($"{field.Name}: is not a Messages API field this gateway can translate.", field.Name, "unsupported_parameter");
                    return null;
            }
        }

        if (!root.TryGetProperty("model", out _))
        {
            error = GatewayError.BadRequest("model: Field required.", "model");
            return null;
        }

        if (!countOnly && !chat.ContainsKey("max_tokens"))
        {
            error = GatewayError.BadRequest("max_tokens: Field required.", "max_tokens");
            return null;
        }

        if (root.TryGetProperty("tool_choice", out var choice) && !ToolChoice(choice, chat, out error))
        {
            return null;
        }

        var messages = new JsonArray();
        if (root.TryGetProperty("system", out var system) && !SystemPrompt(system, messages, out error))
        {
            return null;
        }

        if (!root.TryGetProperty("messages", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            error = GatewayError.BadRequest("messages: Field required (an array of messages).", "messages");
            return null;
        }

        if (!Messages(list, messages, out error))
        {
            return null;
        }

        chat["messages"] = messages;
        if (stream)
        {
            chat["stream"] = true;
            chat["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        return new MessagesTranslation(chat, chat["model"]!.GetValue<string>(), stream, thinking, stops);
    }

    private static bool StopSequences(JsonElement value, List<string> stops, out GatewayError? error)
    {
        error = null;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String || s.GetString()!.Length == 0))
        {
            error = GatewayError.BadRequest("stop_sequences: must be an array of non-empty strings.", "stop_sequences");
            return false;
        }

        if (value.GetArrayLength() > MaxStopSequences)
        {
            error = GatewayError.BadRequest($"stop_sequences: at most {MaxStopSequences} sequences can be translated (the chat completion API's limit).", "stop_sequences");
            return false;
        }

        stops.AddRange(value.EnumerateArray().Select(s => s.GetString()!));
        return true;
    }

    /// <summary>
    /// <c>thinking: {"type":"enabled","budget_tokens":N}</c> becomes <c>reasoning_effort</c>: <c>low</c> below 4096
    /// tokens, <c>medium</c> below 16384, <c>high</c> from there; <c>adaptive</c> is <c>medium</c>; <c>disabled</c> sends nothing. A model without
    /// reasoning ignores the effort or refuses it; one that reasons returns its reasoning as thinking blocks.
    /// </summary>
    private static bool Thinking(JsonElement value, JsonObject chat, out bool enabled, out GatewayError? error)
    {
        enabled = false;
        error = null;
        var type = value.ValueKind == JsonValueKind.Object && value.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "disabled":
                return true;
            case "enabled" when value.TryGetProperty("budget_tokens", out var b) && b.ValueKind == JsonValueKind.Number && b.TryGetInt32(out var budget) && budget >= 1:
                enabled = true;
                chat["reasoning_effort"] = budget switch { < 4096 => "low", < 16384 => "medium", _ => "high" };
                return true;
            case "adaptive":
                enabled = true;
                chat["reasoning_effort"] = "medium";
                return true;
            default:
                error = GatewayError.BadRequest("thinking: must be {\"type\":\"enabled\",\"budget_tokens\":N}, {\"type\":\"adaptive\"} or {\"type\":\"disabled\"}.", "thinking");
                return false;
        }
    }

    private static bool SystemPrompt(JsonElement system, JsonArray messages, out GatewayError? error)
    {
        error = null;
        switch (system.ValueKind)
        {
            case JsonValueKind.Null:
                return true;
            case JsonValueKind.String:
                messages.Add(new JsonObject { ["role"] = "system", ["content"] = system.GetString() });
                return true;
            case JsonValueKind.Array when system.EnumerateArray().All(IsTextBlock):
                messages.Add(new JsonObject { ["role"] = "system", ["content"] = string.Join('\n', system.EnumerateArray().Select(b => b.GetProperty("text").GetString())) });
                return true;
            default:
                error = GatewayError.BadRequest("system: must be a string or an array of text blocks.", "system");
                return false;
        }
    }

    private static bool IsTextBlock(JsonElement block) =>
        block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.ValueEquals("text")
        && block.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String;

    private static bool Tools(JsonElement tools, JsonObject chat, out GatewayError? error)
    {
        error = null;
        if (tools.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (tools.ValueKind != JsonValueKind.Array)
        {
            error = GatewayError.BadRequest("tools: must be an array.", "tools");
            return false;
        }

        var list = new JsonArray();
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var param = $"tools.{index++}";
            if (tool.ValueKind != JsonValueKind.Object)
            {
                error = GatewayError.BadRequest($"{param}: must be an object.", param);
                return false;
            }

            if (tool.TryGetProperty("type", out var type) && type.ValueKind != JsonValueKind.Null && !(type.ValueKind == JsonValueKind.String && type.ValueEquals("custom")))
            {
                error = GatewayError.BadRequest(
                    $"{param}.type: tools of type '{(type.ValueKind == JsonValueKind.String ? type.GetString() : type.ToString())}' run inside Anthropic's service and cannot be translated; declare client tools with name and input_schema.",
                    param, "unsupported_parameter");
                return false;
            }

            if (!tool.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString()!.Length == 0)
            {
                error = GatewayError.BadRequest($"{param}.name: Field required.", param);
                return false;
            }

            if (!tool.TryGetProperty("input_schema", out var schema) || schema.ValueKind != JsonValueKind.Object)
            {
                error = GatewayError.BadRequest($"{param}.input_schema: Field required (a JSON schema object).", param);
                return false;
            }

            var function = new JsonObject { ["name"] = name.GetString(), ["parameters"] = JsonNode.Parse(schema.GetRawText()) };
            if (tool.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String)
            {
                function["description"] = description.GetString();
            }
            if (tool.TryGetProperty("strict", out var strict) && strict.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                function["strict"] = strict.GetBoolean();
            }

            list.Add(new JsonObject { ["type"] = "function", ["function"] = function });
        }

        if (list.Count > 0)
        {
            chat["tools"] = list;
        }
        return true;
    }

    /// <summary><c>auto</c>, <c>any</c> (the chat API's <c>required</c>), <c>tool</c> (a named function) or <c>none</c>; <c>disable_parallel_tool_use</c> as <c>parallel_tool_calls: false</c>.</summary>
    private static bool ToolChoice(JsonElement choice, JsonObject chat, out GatewayError? error)
    {
        error = null;
        if (choice.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        var type = choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        JsonNode? translated = type switch
        {
            "auto" => "auto",
            "any" => "required",
            "none" => "none",
            "tool" when choice.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String =>
                new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = name.GetString() } },
            _ => null,
        };
        if (translated is null)
        {
            error = GatewayError.BadRequest("tool_choice: must be {\"type\":\"auto\"}, {\"type\":\"any\"}, {\"type\":\"none\"} or {\"type\":\"tool\",\"name\":...}.", "tool_choice");
            return false;
        }

        if (type != "none" && !chat.ContainsKey("tools"))
        {
            error = GatewayError.BadRequest($"tool_choice: '{type}' needs tools.", "tool_choice");
            return false;
        }

        chat["tool_choice"] = translated;
        if (chat.ContainsKey("tools") && choice.TryGetProperty("disable_parallel_tool_use", out var single) && single.ValueKind == JsonValueKind.True)
        {
            chat["parallel_tool_calls"] = false;
        }
        return true;
    }
}
