using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Errors;

namespace Gateway.Host.Anthropic;

/// <summary>The messages and their content blocks.</summary>
internal static partial class MessagesRequest
{
    private static bool Messages(JsonElement list, JsonArray messages, out GatewayError? error)
    {
        error = null;
        if (list.GetArrayLength() == 0)
        {
            error = GatewayError.BadRequest("messages: at least one message is required.", "messages");
            return false;
        }

        var index = 0;
        foreach (var message in list.EnumerateArray())
        {
            var param = $"messages.{index++}";
            var role = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            if (role is not ("user" or "assistant" or "system"))
            {
                error = GatewayError.BadRequest($"{param}.role: must be 'user', 'assistant' or 'system'.", param);
                return false;
            }

            if (!message.TryGetProperty("content", out var content))
            {
                error = GatewayError.BadRequest($"{param}.content: Field required.", param);
                return false;
            }

            if (role == "system")
            {
                // A system message between turns, as the Messages API allows: a string or text blocks, as 'system' takes.
                if (!SystemPrompt(content, messages, out error))
                {
                    error = GatewayError.BadRequest($"{param}.content: a system message takes a string or text blocks.", param);
                    return false;
                }
                continue;
            }

            if (content.ValueKind == JsonValueKind.String)
            {
                messages.Add(new JsonObject { ["role"] = role, ["content"] = content.GetString() });
                continue;
            }

            if (content.ValueKind != JsonValueKind.Array)
            {
                error = GatewayError.BadRequest($"{param}.content: must be a string or an array of content blocks.", param);
                return false;
            }

            if (!(role == "user" ? UserBlocks(content, param, messages, out error) : AssistantBlocks(content, param, messages, out error)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A user turn: its <c>tool_result</c> blocks become <c>tool</c> messages first (the chat API wants them right
    /// after the assistant's calls), then its text and images one user message. Text blocks alone join into one
    /// string, a line apart, since not every chat model takes content parts.
    /// </summary>
    private static bool UserBlocks(JsonElement content, string param, JsonArray messages, out GatewayError? error)
    {
        error = null;
        var parts = new JsonArray();
        var index = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockParam = $"{param}.content.{index++}";
            switch (BlockType(block))
            {
                case "text" when IsTextBlock(block):
                    parts.Add(new JsonObject { ["type"] = "text", ["text"] = block.GetProperty("text").GetString() });
                    break;
                case "image":
                    if (Image(block, blockParam, out error) is not { } image)
                    {
                        return false;
                    }
                    parts.Add(image);
                    break;
                case "tool_result":
                    if (ToolResult(block, blockParam, out error) is not { } result)
                    {
                        return false;
                    }
                    messages.Add(result);
                    break;
                case "text":
                    error = GatewayError.BadRequest($"{blockParam}.text: Field required (a string).", blockParam);
                    return false;
                case var type:
                    error = Unsupported(blockParam, type, "text, image and tool_result");
                    return false;
            }
        }

        if (parts.Count > 0)
        {
            JsonNode body = parts.All(p => p!["type"]!.GetValue<string>() == "text")
                ? string.Join('\n', parts.Select(p => p!["text"]!.GetValue<string>()))
                : parts;
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = body });
        }
        return true;
    }

    /// <summary>
    /// An assistant turn: its text, and its <c>tool_use</c> blocks as <c>tool_calls</c>. Thinking blocks from an
    /// earlier turn are dropped: the chat API has no place for them.
    /// </summary>
    private static bool AssistantBlocks(JsonElement content, string param, JsonArray messages, out GatewayError? error)
    {
        error = null;
        var text = new List<string>();
        var calls = new JsonArray();
        var index = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockParam = $"{param}.content.{index++}";
            switch (BlockType(block))
            {
                case "text" when IsTextBlock(block):
                    text.Add(block.GetProperty("text").GetString()!);
                    break;
                case "tool_use":
                    if (!block.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
                        || !block.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                        || !block.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Object)
                    {
                        error = GatewayError.BadRequest($"{blockParam}: a tool_use block needs 'id', 'name' and 'input' (an object).", blockParam);
                        return false;
                    }
                    calls.Add(new JsonObject
                    {
                        ["id"] = id.GetString(),
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = name.GetString(), ["arguments"] = input.GetRawText() },
                    });
                    break;
                case "thinking" or "redacted_thinking":
                    break;
                case "text":
                    error = GatewayError.BadRequest($"{blockParam}.text: Field required (a string).", blockParam);
                    return false;
                case var type:
                    error = Unsupported(blockParam, type, "text, tool_use and thinking");
                    return false;
            }
        }

        if (text.Count == 0 && calls.Count == 0)
        {
            return true;
        }

        var message = new JsonObject { ["role"] = "assistant", ["content"] = text.Count == 0 ? null : string.Concat(text) };
        if (calls.Count > 0)
        {
            message["tool_calls"] = calls;
        }
        messages.Add(message);
        return true;
    }

    /// <summary>An image from base64 data (as a <c>data:</c> URL) or a URL, as the chat API's <c>image_url</c> part.</summary>
    private static JsonObject? Image(JsonElement block, string param, out GatewayError? error)
    {
        error = null;
        var source = block.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
        var type = source.ValueKind == JsonValueKind.Object && source.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        string? url = type switch
        {
            "base64" when source.TryGetProperty("media_type", out var media) && media.ValueKind == JsonValueKind.String
                          && media.GetString()!.StartsWith("image/", StringComparison.Ordinal)
                          && source.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.String
                => $"data:{media.GetString()};base64,{data.GetString()}",
            "url" when source.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String => u.GetString(),
            _ => null,
        };
        if (url is null)
        {
            error = GatewayError.BadRequest(
                $"{param}.source: an image needs {{\"type\":\"base64\",\"media_type\":\"image/...\",\"data\":...}} or {{\"type\":\"url\",\"url\":...}} (files cannot be translated).",
                param, "unsupported_parameter");
            return null;
        }

        return new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url } };
    }

    /// <summary>
    /// A <c>tool_result</c> as a <c>tool</c> message. Its content is text (a string or text blocks, joined a line
    /// apart); the chat API's tool messages take no images. <c>is_error: true</c> puts <c>Error: </c> before the
    /// text, since the chat API has no flag for a failed call.
    /// </summary>
    private static JsonObject? ToolResult(JsonElement block, string param, out GatewayError? error)
    {
        error = null;
        if (!block.TryGetProperty("tool_use_id", out var id) || id.ValueKind != JsonValueKind.String)
        {
            error = GatewayError.BadRequest($"{param}.tool_use_id: Field required.", param);
            return null;
        }

        string? text = !block.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null ? ""
            : content.ValueKind == JsonValueKind.String ? content.GetString()
            : content.ValueKind == JsonValueKind.Array && content.EnumerateArray().All(IsTextBlock)
                ? string.Join('\n', content.EnumerateArray().Select(b => b.GetProperty("text").GetString()))
                : null;
        if (text is null)
        {
            error = GatewayError.BadRequest($"{param}.content: a tool_result's content must be a string or text blocks (the chat API's tool messages take no images).",
                param, "unsupported_parameter");
            return null;
        }

        if (block.TryGetProperty("is_error", out var failed) && failed.ValueKind == JsonValueKind.True)
        {
            text = "Error: " + text;
        }

        return new JsonObject { ["role"] = "tool", ["tool_call_id"] = id.GetString(), ["content"] = text };
    }

    private static string? BlockType(JsonElement block) =>
        block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    private static GatewayError Unsupported(string param, string? type, string supported) =>
        GatewayError.BadRequest(
            $"{param}: content blocks of type '{type ?? "(none)"}' cannot be translated to a chat completion; this turn may hold {supported} blocks.",
            param, "unsupported_parameter");
}
