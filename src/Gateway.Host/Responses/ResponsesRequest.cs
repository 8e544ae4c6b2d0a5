using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Errors;

namespace Gateway.Host.Responses;

/// <summary>
/// Turns an OpenAI Responses API request (<c>POST /v1/responses</c>) into the chat completion that answers it. The
/// gateway keeps no conversation state: the whole conversation comes in <c>input</c>, as the Responses API allows
/// with <c>store: false</c>; <c>previous_response_id</c>, stored prompts and OpenAI's built-in tools are refused with
/// a 400 that says so.
/// </summary>
internal static class ResponsesRequest
{
    /// <summary>Fields the chat request takes over unchanged.</summary>
    private static readonly string[] Copied =
        ["model", "temperature", "top_p", "parallel_tool_calls", "user", "route", "stream", "service_tier", "safety_identifier", "prompt_cache_key"];

    /// <summary>Fields that change nothing here: OpenAI's storage options and those the chat API has no place for.</summary>
    private static readonly HashSet<string> Ignored =
        ["store", "metadata", "truncation", "include", "background", "max_tool_calls", "stream_options", "top_logprobs"];

    public const string LogprobsInclude = "message.output_text.logprobs";

    /// <summary>Whether <c>include</c> asks for the output text's log probabilities.</summary>
    public static bool WantsLogprobs(JsonElement root) =>
        root.TryGetProperty("include", out var include) && include.ValueKind == JsonValueKind.Array
        && include.EnumerateArray().Any(i => i.ValueKind == JsonValueKind.String && i.ValueEquals(LogprobsInclude));

    public static JsonObject? Translate(JsonElement root, out GatewayError? error)
    {
        error = null;
        var chat = new JsonObject();
        var messages = new JsonArray();
        foreach (var field in root.EnumerateObject())
        {
            var value = field.Value;
            switch (field.Name)
            {
                case var name when Copied.Contains(name):
                    chat[name] = JsonNode.Parse(value.GetRawText());
                    break;
                case var name when Ignored.Contains(name):
                    break;
                case "instructions" when value.ValueKind == JsonValueKind.String:
                    messages.Insert(0, new JsonObject { ["role"] = "system", ["content"] = value.GetString() });
                    break;
                case "instructions" when value.ValueKind == JsonValueKind.Null:
                    break;
                case "instructions":
                    error = GatewayError.BadRequest("'instructions' must be a string.", "instructions");
                    return null;
                case "input":
                    break; // Read below, after the instructions.
                case "max_output_tokens":
                    if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var max) && max >= 1)
                    {
                        chat["max_tokens"] = max;
                    }
                    else if (value.ValueKind != JsonValueKind.Null)
                    {
                        error = GatewayError.BadRequest("'max_output_tokens' must be a positive integer.", "max_output_tokens");
                        return null;
                    }
                    break;
                case "reasoning" when value.ValueKind == JsonValueKind.Object:
                    if (value.TryGetProperty("effort", out var effort) && effort.ValueKind == JsonValueKind.String)
                    {
                        chat["reasoning_effort"] = effort.GetString();
                    }
                    break;
                case "reasoning" when value.ValueKind == JsonValueKind.Null:
                    break;
                case "reasoning":
                    error = GatewayError.BadRequest("'reasoning' must be an object.", "reasoning");
                    return null;
                case "text":
                    if (!TextFormat(value, chat, out error))
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
                    if (!ToolChoice(value, chat, out error))
                    {
                        return null;
                    }
                    break;
                case "previous_response_id" when value.ValueKind != JsonValueKind.Null:
                    error = GatewayError.BadRequest(
                        "This gateway does not store responses, so 'previous_response_id' cannot be used: send the whole conversation in 'input'.",
                        "previous_response_id", "unsupported_parameter");
                    return null;
                case "conversation" or "prompt" when value.ValueKind != JsonValueKind.Null:
                    error = GatewayError.BadRequest(
                        $"'{field.Name}' refers to state stored by OpenAI, which this gateway does not keep: send the whole conversation in 'input'.",
                        field.Name, "unsupported_parameter");
                    return null;
                case "previous_response_id" or "conversation" or "prompt":
                    break;
                default:
                    // As the chat endpoint does, a field this version does not know goes on to the model.
                    chat[field.Name] = JsonNode.Parse(value.GetRawText());
                    break;
            }
        }

        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String)
        {
            error = GatewayError.BadRequest("You must provide a model parameter.", "model", "missing_required_parameter");
            return null;
        }

        if (!root.TryGetProperty("input", out var input) || !Input(input, messages, out error))
        {
            error ??= GatewayError.BadRequest("Missing required parameter: 'input'.", "input", "missing_required_parameter");
            return null;
        }

        if (messages.Count == 0)
        {
            error = GatewayError.BadRequest("'input' holds no message.", "input");
            return null;
        }

        chat["messages"] = messages;
        if (WantsLogprobs(root))
        {
            chat["logprobs"] = true;
            if (root.TryGetProperty("top_logprobs", out var top) && top.ValueKind == JsonValueKind.Number)
            {
                chat["top_logprobs"] = JsonNode.Parse(top.GetRawText());
            }
        }
        if (chat["stream"]?.GetValueKind() == JsonValueKind.True)
        {
            chat["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        return chat;
    }

    private static bool Input(JsonElement input, JsonArray messages, out GatewayError? error)
    {
        error = null;
        if (input.ValueKind == JsonValueKind.String)
        {
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = input.GetString() });
            return true;
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            error = GatewayError.BadRequest("'input' must be a string or an array of input items.", "input");
            return false;
        }

        var index = 0;
        foreach (var item in input.EnumerateArray())
        {
            var param = $"input[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                error = GatewayError.BadRequest("Each input item must be an object.", param);
                return false;
            }

            var type = item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : "message";
            switch (type)
            {
                case "message":
                    if (Message(item, param, out error) is not { } message)
                    {
                        return false;
                    }
                    messages.Add(message);
                    break;
                case "function_call":
                    if (!TryString(item, "call_id", param, out var callId, out error) || !TryString(item, "name", param, out var name, out error)
                        || !TryString(item, "arguments", param, out var arguments, out error))
                    {
                        return false;
                    }
                    var call = new JsonObject { ["id"] = callId, ["type"] = "function", ["function"] = new JsonObject { ["name"] = name, ["arguments"] = arguments } };

                    // Calls made in one turn are one assistant message, as the chat API has them.
                    if (messages.Count > 0 && messages[^1] is JsonObject last && last["tool_calls"] is JsonArray calls && last["content"] is null)
                    {
                        calls.Add(call);
                    }
                    else
                    {
                        messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = new JsonArray(call) });
                    }
                    break;
                case "function_call_output":
                    if (!TryString(item, "call_id", param, out var outputId, out error))
                    {
                        return false;
                    }
                    if (!item.TryGetProperty("output", out var output) || Text(output) is not { } outputText)
                    {
                        error = GatewayError.BadRequest("A function_call_output needs 'output' as a string or text parts.", $"{param}.output");
                        return false;
                    }
                    messages.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = outputId, ["content"] = outputText });
                    break;
                case "reasoning":
                    break; // A model's own reasoning summary from an earlier turn: the chat API has no place for it.
                default:
                    error = GatewayError.BadRequest(
                        $"Input items of type '{type}' are not supported here; use messages, function_call and function_call_output items.",
                        $"{param}.type", "unsupported_parameter");
                    return false;
            }
        }

        return true;
    }

    private static JsonObject? Message(JsonElement item, string param, out GatewayError? error)
    {
        error = null;
        if (!item.TryGetProperty("role", out var r) || r.ValueKind != JsonValueKind.String || r.GetString() is not ("user" or "system" or "developer" or "assistant"))
        {
            error = GatewayError.BadRequest("A message needs 'role': 'user', 'system', 'developer' or 'assistant'.", $"{param}.role");
            return null;
        }

        var role = r.GetString()!;
        if (!item.TryGetProperty("content", out var content))
        {
            error = GatewayError.BadRequest("A message needs 'content'.", $"{param}.content");
            return null;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return new JsonObject { ["role"] = role, ["content"] = content.GetString() };
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            error = GatewayError.BadRequest("'content' must be a string or an array of content parts.", $"{param}.content");
            return null;
        }

        var parts = new JsonArray();
        var partIndex = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partParam = $"{param}.content[{partIndex++}]";
            var partType = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var pt) && pt.ValueKind == JsonValueKind.String ? pt.GetString() : null;
            switch (partType)
            {
                case "input_text" or "output_text" or "text" when part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String:
                    parts.Add(new JsonObject { ["type"] = "text", ["text"] = text.GetString() });
                    break;
                case "input_image" when part.TryGetProperty("image_url", out var url) && url.ValueKind == JsonValueKind.String:
                    var image = new JsonObject { ["url"] = url.GetString() };
                    if (part.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
                    {
                        image["detail"] = detail.GetString();
                    }
                    parts.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = image });
                    break;
                case "refusal":
                    break;
                default:
                    error = GatewayError.BadRequest(
                        $"Content parts of type '{partType ?? "(none)"}' are not supported here; use input_text, output_text or input_image with an image_url.",
                        partParam, "unsupported_parameter");
                    return null;
            }
        }

        // Text alone goes as one string: every chat model takes that, not every one takes parts (assistant turns too).
        JsonNode? body = parts.All(p => p!["type"]!.GetValue<string>() == "text")
            ? string.Concat(parts.Select(p => p!["text"]!.GetValue<string>()))
            : parts;
        return new JsonObject { ["role"] = role, ["content"] = body };
    }

    private static bool TextFormat(JsonElement text, JsonObject chat, out GatewayError? error)
    {
        error = null;
        if (text.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (text.ValueKind != JsonValueKind.Object)
        {
            error = GatewayError.BadRequest("'text' must be an object.", "text");
            return false;
        }

        if (!text.TryGetProperty("format", out var format) || format.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        var type = format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "text":
                return true;
            case "json_object":
                chat["response_format"] = new JsonObject { ["type"] = "json_object" };
                return true;
            case "json_schema":
                var schema = new JsonObject();
                foreach (var property in format.EnumerateObject().Where(p => p.Name != "type"))
                {
                    schema[property.Name] = JsonNode.Parse(property.Value.GetRawText());
                }
                chat["response_format"] = new JsonObject { ["type"] = "json_schema", ["json_schema"] = schema };
                return true;
            default:
                error = GatewayError.BadRequest("'text.format.type' must be 'text', 'json_object' or 'json_schema'.", "text.format");
                return false;
        }
    }

    private static bool Tools(JsonElement tools, JsonObject chat, out GatewayError? error)
    {
        error = null;
        if (tools.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (tools.ValueKind != JsonValueKind.Array)
        {
            error = GatewayError.BadRequest("'tools' must be an array.", "tools");
            return false;
        }

        var list = new JsonArray();
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var param = $"tools[{index++}]";
            var type = tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type != "function")
            {
                error = GatewayError.BadRequest(
                    $"Tools of type '{type ?? "(none)"}' run inside OpenAI's service and are not available here; declare function tools.",
                    param, "unsupported_parameter");
                return false;
            }

            if (!TryString(tool, "name", param, out var name, out error))
            {
                return false;
            }

            var function = new JsonObject { ["name"] = name };
            foreach (var field in new[] { "description", "parameters", "strict" })
            {
                if (tool.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null)
                {
                    function[field] = JsonNode.Parse(value.GetRawText());
                }
            }

            list.Add(new JsonObject { ["type"] = "function", ["function"] = function });
        }

        chat["tools"] = list;
        return true;
    }

    private static bool ToolChoice(JsonElement choice, JsonObject chat, out GatewayError? error)
    {
        error = null;
        switch (choice.ValueKind)
        {
            case JsonValueKind.Null:
                return true;
            case JsonValueKind.String when choice.GetString() is "auto" or "none" or "required":
                chat["tool_choice"] = choice.GetString();
                return true;
            case JsonValueKind.Object when choice.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.ValueEquals("function")
                                           && choice.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String:
                chat["tool_choice"] = new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = name.GetString() } };
                return true;
            default:
                error = GatewayError.BadRequest("'tool_choice' must be 'auto', 'none', 'required' or {\"type\": \"function\", \"name\": ...}.", "tool_choice");
                return false;
        }
    }

    /// <summary>A string, or the text of an array of text parts.</summary>
    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Array when value.EnumerateArray().All(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("text", out var x) && x.ValueKind == JsonValueKind.String)
            => string.Concat(value.EnumerateArray().Select(p => p.GetProperty("text").GetString())),
        _ => null,
    };

    private static bool TryString(JsonElement item, string name, string param, out string value, out GatewayError? error)
    {
        if (item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String)
        {
            value = v.GetString()!;
            error = null;
            return true;
        }

        value = "";
        error = GatewayError.BadRequest($"'{name}' must be a string.", $"{param}.{name}");
        return false;
    }
}
