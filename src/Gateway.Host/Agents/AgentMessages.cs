using System.Text;
using System.Text.Json;
using Gateway.Errors;
using Microsoft.Extensions.AI;

namespace Gateway.Host.Agents;

/// <summary>
/// Reads the conversation of an agent request (<c>messages</c> of a chat body). Text stays text; an assistant
/// message's <c>tool_calls</c> become <see cref="FunctionCallContent"/>s and a <c>tool</c> message a
/// <see cref="FunctionResultContent"/>, so a run paused for the caller's tools resumes from the conversation.
/// As OpenAI does, every tool call must be answered by a <c>tool</c> message right after its assistant message.
/// </summary>
internal static class AgentMessages
{
    /// <summary>The messages, or null with an OpenAI-shaped error saying what is wrong.</summary>
    public static List<ChatMessage>? FromChat(JsonElement root, out GatewayError? error)
    {
        error = null;
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            error = GatewayError.BadRequest("'messages' must be an array.", "messages");
            return null;
        }

        var count = messages.GetArrayLength();
        if (count > AgentRequestLimits.MaxMessages)
        {
            error = TooLong("messages", AgentRequestLimits.MaxMessages, count);
            return null;
        }

        var list = new List<ChatMessage>(count);
        // The tool calls of the last assistant message that no tool message has answered yet.
        var open = new HashSet<string>(StringComparer.Ordinal);
        var openAt = "";
        var index = -1;
        foreach (var message in messages.EnumerateArray())
        {
            var param = $"messages[{++index}]";
            if (message.ValueKind != JsonValueKind.Object)
            {
                error = GatewayError.BadRequest($"'{param}' must be an object.", param, "invalid_type");
                return null;
            }

            var role = message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            var chatRole = role switch
            {
                "system" or "developer" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                "tool" => ChatRole.Tool,
                _ => (ChatRole?)null,
            };
            if (chatRole is null)
            {
                error = GatewayError.BadRequest($"Each message needs a role of system, developer, user, assistant or tool; got '{role}'.", param + ".role", "invalid_value");
                return null;
            }

            if (open.Count > 0 && chatRole != ChatRole.Tool)
            {
                error = Unanswered(open, openAt);
                return null;
            }

            ChatMessage? parsed = chatRole == ChatRole.Assistant ? Assistant(message, param, open, ref openAt, out error)
                : chatRole == ChatRole.Tool ? ToolResult(message, param, open, out error)
                : new ChatMessage(chatRole.Value, Text(message));
            if (parsed is null)
            {
                return null;
            }

            list.Add(parsed);
        }

        if (open.Count > 0)
        {
            error = Unanswered(open, openAt);
            return null;
        }

        if (!list.Any(m => m.Role == ChatRole.User && !string.IsNullOrWhiteSpace(m.Text)))
        {
            error = GatewayError.BadRequest("An agent needs a user message with the task.", "messages");
            return null;
        }

        return list;
    }

    /// <summary>The task of a run request, <c>{"input": "..."}</c> or <c>{"messages": [...]}</c>.</summary>
    public static List<ChatMessage>? FromRun(JsonElement root, out GatewayError? error)
    {
        error = null;
        if (root.TryGetProperty("input", out var input))
        {
            if (input.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(input.GetString()))
            {
                error = GatewayError.BadRequest("'input' must be a non-empty string.", "input");
                return null;
            }

            return [new ChatMessage(ChatRole.User, input.GetString())];
        }

        if (root.TryGetProperty("messages", out _))
        {
            return FromChat(root, out error);
        }

        error = GatewayError.BadRequest("The body needs 'input' (the task) or 'messages'.", "input");
        return null;
    }

    private static ChatMessage? Assistant(JsonElement message, string param, HashSet<string> open, ref string openAt, out GatewayError? error)
    {
        error = null;
        var contents = new List<AIContent>();
        var text = Text(message);
        if (text.Length > 0)
        {
            contents.Add(new TextContent(text));
        }

        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind == JsonValueKind.Null)
        {
            return new ChatMessage(ChatRole.Assistant, contents);
        }

        if (calls.ValueKind != JsonValueKind.Array)
        {
            error = GatewayError.BadRequest($"'{param}.tool_calls' must be an array.", param + ".tool_calls", "invalid_type");
            return null;
        }

        var count = calls.GetArrayLength();
        if (count > AgentRequestLimits.MaxToolCallsPerMessage)
        {
            error = TooLong(param + ".tool_calls", AgentRequestLimits.MaxToolCallsPerMessage, count);
            return null;
        }

        var index = -1;
        foreach (var call in calls.EnumerateArray())
        {
            var at = $"{param}.tool_calls[{++index}]";
            var id = call.ValueKind == JsonValueKind.Object && call.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            var function = call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : (JsonElement?)null;
            var name = function is { } fn && fn.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(name))
            {
                error = GatewayError.BadRequest($"'{at}' needs an 'id' and a 'function' with a 'name'.", at, "missing_required_parameter");
                return null;
            }

            if (call.TryGetProperty("type", out var type) && !(type.ValueKind == JsonValueKind.String && type.GetString() == "function"))
            {
                error = GatewayError.BadRequest($"'{at}.type' must be 'function'.", at + ".type", "invalid_value");
                return null;
            }

            if (!open.Add(id))
            {
                error = GatewayError.BadRequest($"'{param}.tool_calls' has the id '{id}' twice.", at + ".id", "invalid_value");
                return null;
            }

            var arguments = function!.Value.TryGetProperty("arguments", out var a) ? a : default;
            if (arguments.ValueKind is not (JsonValueKind.String or JsonValueKind.Undefined or JsonValueKind.Null))
            {
                error = GatewayError.BadRequest($"'{at}.function.arguments' must be a string of JSON.", at + ".function.arguments", "invalid_type");
                return null;
            }

            var json = arguments.ValueKind == JsonValueKind.String ? arguments.GetString()! : "";
            if (json.Length > AgentRequestLimits.MaxArgumentsChars)
            {
                error = GatewayError.BadRequest(
                    $"Invalid '{at}.function.arguments': string too long. Expected a string with maximum length {AgentRequestLimits.MaxArgumentsChars}, but got a string with length {json.Length} instead.",
                    at + ".function.arguments", "string_above_max_length");
                return null;
            }

            contents.Add(FunctionCallContent.CreateFromParsedArguments(json, id, name,
                json => string.IsNullOrWhiteSpace(json) ? new Dictionary<string, object?>() : JsonSerializer.Deserialize<Dictionary<string, object?>>(json, AIJsonUtilities.DefaultOptions)));
        }

        openAt = param;
        return new ChatMessage(ChatRole.Assistant, contents);
    }

    private static ChatMessage? ToolResult(JsonElement message, string param, HashSet<string> open, out GatewayError? error)
    {
        error = null;
        var id = message.TryGetProperty("tool_call_id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
        if (string.IsNullOrEmpty(id))
        {
            error = GatewayError.BadRequest($"'{param}' is a tool message and needs a 'tool_call_id'.", param + ".tool_call_id", "missing_required_parameter");
            return null;
        }

        if (!open.Remove(id))
        {
            error = GatewayError.BadRequest(
                $"'{param}.tool_call_id' is '{id}', which answers no tool call of the assistant message before it (or one already answered).",
                param + ".tool_call_id", "invalid_value");
            return null;
        }

        return new ChatMessage(ChatRole.Tool, [new FunctionResultContent(id, Text(message))]);
    }

    private static GatewayError TooLong(string param, int max, int count) => GatewayError.BadRequest(
        $"Invalid '{param}': array too long. Expected an array with maximum length {max}, but got an array with length {count} instead.",
        param, "array_above_max_length");

    private static GatewayError Unanswered(HashSet<string> open, string openAt) =>
        GatewayError.BadRequest(
            $"An assistant message with 'tool_calls' must be followed by tool messages answering each 'tool_call_id'; '{openAt}' has no answer for: "
            + string.Join(", ", open.Order(StringComparer.Ordinal)) + ".", openAt + ".tool_calls", "invalid_value");

    private static string Text(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content))
        {
            return "";
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString() ?? "";
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        var text = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
            {
                text.Append(t.GetString());
            }
        }

        return text.ToString();
    }
}
