using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Errors;

namespace Gateway.Host.Anthropic.Upstream;

/// <summary>Messages, content parts and tools.</summary>
internal static partial class ChatToMessages
{
    /// <summary>
    /// Fills <c>system</c> and <c>messages</c>. Consecutive messages of one role become one turn (tool results and the
    /// user's next words share the user turn that follows the assistant's tool calls, as Anthropic expects).
    /// </summary>
    private static bool Messages(JsonElement root, JsonObject request, out GatewayError? error)
    {
        error = null;
        var system = new List<string>();
        var turns = new JsonArray();
        JsonObject? last = null;
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            error = GatewayError.BadRequest("messages: must be an array.", "messages");
            return false;
        }

        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var at = $"messages[{index++}]";
            var role = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            var content = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var c) ? c : default;
            JsonArray blocks;
            string anthropicRole;
            switch (role)
            {
                case "system" or "developer":
                    if (Text(content, at, out error) is not { } text)
                    {
                        return false;
                    }

                    system.Add(text);
                    continue;
                case "user":
                    if ((blocks = UserBlocks(content, at, out error)!) is null)
                    {
                        return false;
                    }

                    anthropicRole = "user";
                    break;
                case "assistant":
                    if ((blocks = AssistantBlocks(message, content, at, out error)!) is null)
                    {
                        return false;
                    }

                    anthropicRole = "assistant";
                    break;
                case "tool":
                    var id = message.TryGetProperty("tool_call_id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
                    if (id is null || Text(content, at, out error) is not { } result)
                    {
                        error ??= GatewayError.BadRequest($"{at}.tool_call_id: a tool message needs one.", $"{at}.tool_call_id");
                        return false;
                    }

                    blocks = [new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = id, ["content"] = result }];
                    anthropicRole = "user";
                    break;
                default:
                    error = GatewayError.BadRequest($"{at}.role: '{role}' has no equivalent in Anthropic's Messages API.", $"{at}.role", "unsupported_parameter");
                    return false;
            }

            if (blocks.Count == 0)
            {
                continue;
            }

            if (last is not null && last["role"]!.GetValue<string>() == anthropicRole)
            {
                var merged = last["content"]!.AsArray();
                foreach (var block in blocks.ToArray())
                {
                    blocks.Remove(block);
                    merged.Add(block);
                }

                continue;
            }

            last = new JsonObject { ["role"] = anthropicRole, ["content"] = blocks };
            turns.Add(last);
        }

        if (system.Count > 0)
        {
            request["system"] = string.Join("\n\n", system);
        }

        request["messages"] = turns;
        return true;
    }

    /// <summary>A message's text: a string or text parts joined; other parts are refused.</summary>
    private static string? Text(JsonElement content, string at, out GatewayError? error)
    {
        error = null;
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString();
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return string.Empty;
            case JsonValueKind.Array:
                var parts = new List<string>();
                foreach (var part in content.EnumerateArray())
                {
                    if (PartType(part) != "text" || !part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                    {
                        error = GatewayError.BadRequest($"{at}.content: only text parts can be translated here.", $"{at}.content", "unsupported_parameter");
                        return null;
                    }

                    parts.Add(text.GetString()!);
                }

                return string.Concat(parts);
            default:
                error = GatewayError.BadRequest($"{at}.content: must be a string or an array of parts.", $"{at}.content");
                return null;
        }
    }

    private static string? PartType(JsonElement part) =>
        part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    private static JsonArray? UserBlocks(JsonElement content, string at, out GatewayError? error)
    {
        error = null;
        if (content.ValueKind != JsonValueKind.Array)
        {
            return Text(content, at, out error) is { Length: > 0 } text ? [new JsonObject { ["type"] = "text", ["text"] = text }] : error is null ? [] : null;
        }

        var blocks = new JsonArray();
        foreach (var part in content.EnumerateArray())
        {
            switch (PartType(part))
            {
                case "text" when part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String:
                    blocks.Add(new JsonObject { ["type"] = "text", ["text"] = text.GetString() });
                    break;
                case "image_url" when part.TryGetProperty("image_url", out var image) && Image(image) is { } block:
                    blocks.Add(block);
                    break;
                default:
                    error = GatewayError.BadRequest(
                        $"{at}.content: Anthropic's Messages API takes text and images (a URL or a base64 data: URL of JPEG, PNG, GIF or WebP) only.",
                        $"{at}.content", "unsupported_parameter");
                    return null;
            }
        }

        return blocks;
    }

    private static readonly string[] ImageTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"];

    /// <summary>An <c>image_url</c> as an image block: a <c>data:</c> URL's base64 as a base64 source, an http(s) URL as a URL source.</summary>
    private static JsonObject? Image(JsonElement image)
    {
        var url = image.ValueKind switch
        {
            JsonValueKind.String => image.GetString(),
            JsonValueKind.Object when image.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String => u.GetString(),
            _ => null,
        };
        if (url is null)
        {
            return null;
        }

        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = url.IndexOf(',', StringComparison.Ordinal);
            var header = comma < 0 ? "" : url[5..comma];
            var media = header.Split(';')[0].ToLowerInvariant();
            if (comma < 0 || !header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase) || !ImageTypes.Contains(media))
            {
                return null;
            }

            return new JsonObject { ["type"] = "image", ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = media, ["data"] = url[(comma + 1)..] } };
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? new JsonObject { ["type"] = "image", ["source"] = new JsonObject { ["type"] = "url", ["url"] = url } }
            : null;
    }

    private static JsonArray? AssistantBlocks(JsonElement message, JsonElement content, string at, out GatewayError? error)
    {
        // The assistant's earlier reasoning is not sent back: Anthropic takes thinking only with its own signature.
        if (Text(content, at, out error) is not { } text)
        {
            return null;
        }

        var blocks = new JsonArray();
        if (text.Length > 0)
        {
            blocks.Add(new JsonObject { ["type"] = "text", ["text"] = text });
        }

        if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var call in calls.EnumerateArray())
            {
                var where = $"{at}.tool_calls[{i++}]";
                if (call.ValueKind != JsonValueKind.Object || !call.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
                    || !call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                    || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                {
                    error = GatewayError.BadRequest($"{where}: a function call needs an id and a function name.", where);
                    return null;
                }

                var arguments = function.TryGetProperty("arguments", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                JsonNode? input = null;
                try
                {
                    input = string.IsNullOrWhiteSpace(arguments) ? new JsonObject() : JsonNode.Parse(arguments, documentOptions: new JsonDocumentOptions { MaxDepth = JsonLimits.MaxDepth });
                }
                catch (JsonException)
                {
                    // Refused below with the others that are no object.
                }

                if (input is not JsonObject)
                {
                    error = GatewayError.BadRequest($"{where}.function.arguments: Anthropic takes a tool call's input as a JSON object only.", $"{where}.function.arguments");
                    return null;
                }

                blocks.Add(new JsonObject { ["type"] = "tool_use", ["id"] = id.GetString(), ["name"] = name.GetString(), ["input"] = input });
            }
        }

        return blocks;
    }

    private static bool Tools(JsonElement tools, JsonObject request, out GatewayError? error)
    {
        error = null;
        var list = new JsonArray();
        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var at = $"tools[{i++}]";
            if (PartType(tool) != "function" || !tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                error = GatewayError.BadRequest($"{at}: Anthropic's Messages API takes function tools only.", at, "unsupported_parameter");
                return false;
            }

            var entry = new JsonObject { ["name"] = name.GetString() };
            if (function.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String)
            {
                entry["description"] = description.GetString();
            }

            entry["input_schema"] = function.TryGetProperty("parameters", out var schema) && schema.ValueKind == JsonValueKind.Object
                ? JsonNode.Parse(schema.GetRawText(), documentOptions: new JsonDocumentOptions { MaxDepth = JsonLimits.MaxDepth })
                : new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() };
            list.Add(entry);
        }

        request["tools"] = list;
        return true;
    }

    /// <summary><c>auto</c>, <c>required</c> (Anthropic's <c>any</c>), <c>none</c>, or one named function (<c>tool</c>).</summary>
    private static JsonObject? ToolChoice(JsonElement choice, out GatewayError? error)
    {
        error = null;
        if (choice.ValueKind == JsonValueKind.String)
        {
            switch (choice.GetString())
            {
                case "auto":
                    return new JsonObject { ["type"] = "auto" };
                case "required":
                    return new JsonObject { ["type"] = "any" };
                case "none":
                    return new JsonObject { ["type"] = "none" };
            }
        }
        else if (PartType(choice) == "function" && choice.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
                 && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            return new JsonObject { ["type"] = "tool", ["name"] = name.GetString() };
        }

        error = GatewayError.BadRequest("tool_choice: must be auto, required, none or a function.", "tool_choice", "unsupported_parameter");
        return null;
    }
}
