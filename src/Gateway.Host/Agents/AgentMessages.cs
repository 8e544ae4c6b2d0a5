using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Gateway.Host.Agents;

/// <summary>Reads the conversation of an agent request (<c>messages</c> of a chat body) as text messages.</summary>
internal static class AgentMessages
{
    /// <summary>The messages, or null with a message saying what is wrong.</summary>
    public static List<ChatMessage>? FromChat(JsonElement root, out string? error)
    {
        error = null;
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            error = "'messages' must be an array.";
            return null;
        }

        var list = new List<ChatMessage>();
        foreach (var message in messages.EnumerateArray())
        {
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
                error = $"Each message needs a role of system, developer, user, assistant or tool; got '{role}'.";
                return null;
            }

            list.Add(new ChatMessage(chatRole.Value, Text(message)));
        }

        if (!list.Any(m => m.Role == ChatRole.User && !string.IsNullOrWhiteSpace(m.Text)))
        {
            error = "An agent needs a user message with the task.";
            return null;
        }

        return list;
    }

    /// <summary>The task of a run request, <c>{"input": "..."}</c> or <c>{"messages": [...]}</c>.</summary>
    public static List<ChatMessage>? FromRun(JsonElement root, out string? error)
    {
        error = null;
        if (root.TryGetProperty("input", out var input))
        {
            if (input.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(input.GetString()))
            {
                error = "'input' must be a non-empty string.";
                return null;
            }

            return [new ChatMessage(ChatRole.User, input.GetString())];
        }

        if (root.TryGetProperty("messages", out _))
        {
            return FromChat(root, out error);
        }

        error = "The body needs 'input' (the task) or 'messages'.";
        return null;
    }

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
