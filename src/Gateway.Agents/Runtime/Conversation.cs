using System.Text;
using Microsoft.Extensions.AI;

namespace Gateway.Agents.Runtime;

/// <summary>
/// Reads a caller's conversation for a resumed run: what came after the task, the results of tool calls,
/// and the whole conversation as plain text for roles that do not use tool calling.
/// </summary>
public static class Conversation
{
    /// <summary>The messages after the last user message (the task): an earlier pause's tool calls and their results.</summary>
    public static IReadOnlyList<ChatMessage> SinceTask(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == ChatRole.User)
            {
                return [.. messages.Skip(i + 1)];
            }
        }

        return messages;
    }

    /// <summary>Each answered tool call's result as text, by call id.</summary>
    public static IReadOnlyDictionary<string, string> ToolResults(IEnumerable<ChatMessage> messages)
    {
        var results = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var result in messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>())
        {
            results[result.CallId] = ResultText(result);
        }

        return results;
    }

    /// <summary>The tool calls the assistant messages made, in order.</summary>
    public static IEnumerable<FunctionCallContent> Calls(IEnumerable<ChatMessage> messages) =>
        messages.Where(m => m.Role == ChatRole.Assistant).SelectMany(m => m.Contents).OfType<FunctionCallContent>();

    /// <summary>A tool result as the text a model reads: a string as is, anything else as JSON, null as empty.</summary>
    public static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null => "",
        string text => text,
        _ => System.Text.Json.JsonSerializer.Serialize(result.Result, AIJsonUtilities.DefaultOptions),
    };

    /// <summary>
    /// The conversation as text messages: a tool call becomes a line of its assistant message, a result a user
    /// message, so a role that gets no tools (a planner) still reads what the caller's tools returned.
    /// </summary>
    public static IEnumerable<ChatMessage> AsText(IEnumerable<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            var calls = message.Contents.OfType<FunctionCallContent>().ToList();
            var results = message.Contents.OfType<FunctionResultContent>().ToList();
            if (calls.Count == 0 && results.Count == 0)
            {
                yield return message;
                continue;
            }

            var text = new StringBuilder(message.Text);
            foreach (var call in calls)
            {
                text.Append(text.Length > 0 ? "\n" : "").Append("Tool call ").Append(call.CallId).Append(": ").Append(ToolCalls.Canonical(call));
            }

            foreach (var result in results)
            {
                text.Append(text.Length > 0 ? "\n" : "").Append("Result of tool call ").Append(result.CallId).Append(": ").Append(ResultText(result));
            }

            yield return new ChatMessage(results.Count > 0 ? ChatRole.User : message.Role, text.ToString());
        }
    }
}
